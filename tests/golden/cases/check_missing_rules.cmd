stagewise check tests/golden/rules/no_such_file.sw tests/golden/rules/risk.sw
