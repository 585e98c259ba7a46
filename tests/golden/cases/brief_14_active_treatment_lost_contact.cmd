stagewise eval rules -f examples/clients/14-active-treatment-lost-contact.yaml
