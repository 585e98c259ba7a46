stagewise explain tests/golden/rules/risk.sw -f tests/golden/audit/clients/a-drinker.yaml --why-not risk:alcohol_harm --format json
