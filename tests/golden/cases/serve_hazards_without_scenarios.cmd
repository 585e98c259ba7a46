stagewise serve rules --hazards rules/hazards.yaml
