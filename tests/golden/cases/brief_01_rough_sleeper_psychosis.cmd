stagewise eval rules -f examples/clients/01-rough-sleeper-psychosis.yaml
