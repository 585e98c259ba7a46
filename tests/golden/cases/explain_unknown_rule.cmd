stagewise explain tests/golden/rules/risk.sw -f tests/golden/facts/risk_clients.yaml --rule harmful_drinkin
