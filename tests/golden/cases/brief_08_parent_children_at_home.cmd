stagewise eval rules -f examples/clients/08-parent-children-at-home.yaml
