stagewise eval rules -f examples/clients/04-relapse-prevention-lapse.yaml
