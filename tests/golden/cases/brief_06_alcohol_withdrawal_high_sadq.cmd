stagewise eval rules -f examples/clients/06-alcohol-withdrawal-high-sadq.yaml
