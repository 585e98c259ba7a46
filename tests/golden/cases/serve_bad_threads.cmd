stagewise serve tests/golden/rules/risk.sw --threads 0
