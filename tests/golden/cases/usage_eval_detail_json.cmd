stagewise eval tests/golden/rules/risk.sw -f tests/golden/facts/risk_clients.yaml --format json --detail
