stagewise eval rules -f examples/clients/07-phq9-item9-positive.yaml
