stagewise eval rules -f examples/clients/02-methadone-poor-adherence.yaml
