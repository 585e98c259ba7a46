stagewise explain tests/golden/rules/risk.sw -f tests/golden/audit/clients/a-drinker.yaml --rule harmful_drinking --rule after_prison --format json
