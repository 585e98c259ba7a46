stagewise explain tests/golden/rules/risk.sw -f tests/golden/facts/risk_clients.yaml --all --why-not risk:overdose
