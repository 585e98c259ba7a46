stagewise replay tests/golden/audit/decisions-v2.log --rules tests/golden/rules/risk.sw
