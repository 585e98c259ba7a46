stagewise audit verify tests/golden/audit/decisions-v1.log
