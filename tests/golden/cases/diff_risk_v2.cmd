stagewise diff tests/golden/rules/risk.sw tests/golden/audit/risk_v2.sw --clients tests/golden/audit/clients
