stagewise eval tests/golden/rules/bad/range.sw -f tests/golden/facts/risk_clients.yaml
