stagewise check tests/golden/rules/bad/range.sw
