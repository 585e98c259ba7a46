stagewise check tests/golden/rules/bad/misspelt_fact.sw
