stagewise check tests/golden/rules/risk.sw
