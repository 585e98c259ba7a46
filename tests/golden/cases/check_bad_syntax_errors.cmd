stagewise check tests/golden/rules/bad/syntax_errors.sw
