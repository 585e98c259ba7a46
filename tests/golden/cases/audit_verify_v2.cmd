stagewise audit verify tests/golden/audit/decisions-v2.log
