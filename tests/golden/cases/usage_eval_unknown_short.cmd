stagewise eval tests/golden/rules/risk.sw -x -f tests/golden/facts/risk_clients.yaml
