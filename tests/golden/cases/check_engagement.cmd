stagewise check tests/golden/rules/engagement
