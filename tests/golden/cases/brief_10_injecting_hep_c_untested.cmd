stagewise eval rules -f examples/clients/10-injecting-hep-c-untested.yaml
