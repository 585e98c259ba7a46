stagewise chek tests/golden/rules/risk.sw
