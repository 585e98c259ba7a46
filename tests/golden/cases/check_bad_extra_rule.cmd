stagewise check tests/golden/rules/engagement tests/golden/rules/bad/extra_rule.sw
