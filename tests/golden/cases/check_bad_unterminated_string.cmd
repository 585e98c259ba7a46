stagewise check tests/golden/rules/bad/unterminated_string.sw
