stagewise check tests/golden/rules/engagement/10_schema.sw tests/golden/rules/engagement/20_rules.sw
