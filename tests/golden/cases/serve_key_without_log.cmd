stagewise serve tests/golden/rules/risk.sw --pseudonym-key tests/golden/rules/risk.sw
