stagewise eval tests/golden/rules/risk.sw
