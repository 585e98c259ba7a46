stagewise test tests/golden/rules/risk.sw
