stagewise check --hlep tests/golden/rules/risk.sw
