stagewise diff tests/golden/rules/risk.sw tests/golden/rules/risk.sw --clients tests/golden/audit/clients
