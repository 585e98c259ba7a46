stagewise check tests/golden/rules/bad/missing_end.sw
