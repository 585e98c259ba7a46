stagewise eval -f tests/golden/facts/risk_clients.yaml
