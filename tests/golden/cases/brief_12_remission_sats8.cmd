stagewise eval rules -f examples/clients/12-remission-sats8.yaml
