stagewise check tests/golden/audit/risk_status.sw
