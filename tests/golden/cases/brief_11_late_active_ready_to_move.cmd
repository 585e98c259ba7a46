stagewise eval rules -f examples/clients/11-late-active-ready-to-move.yaml
