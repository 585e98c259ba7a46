stagewise eval rules -f examples/clients/09-persuasion-ambivalence.yaml
