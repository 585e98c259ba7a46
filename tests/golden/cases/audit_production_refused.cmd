stagewise eval tests/golden/audit/risk_status.sw -f tests/golden/facts/risk_clients.yaml --production
