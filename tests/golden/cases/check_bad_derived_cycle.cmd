stagewise check tests/golden/rules/bad/derived_cycle.sw
