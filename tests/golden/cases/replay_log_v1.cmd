stagewise replay tests/golden/audit/decisions-v1.log --rules tests/golden/rules/risk.sw
