stagewise eval rules -f examples/clients/03-prison-release-last-week.yaml
