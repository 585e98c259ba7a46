stagewise check tests/golden/rules/bad/many_errors.sw
