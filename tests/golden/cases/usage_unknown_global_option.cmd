stagewise --verbose check tests/golden/rules/risk.sw
