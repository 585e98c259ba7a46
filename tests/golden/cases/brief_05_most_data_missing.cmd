stagewise eval rules -f examples/clients/05-most-data-missing.yaml
