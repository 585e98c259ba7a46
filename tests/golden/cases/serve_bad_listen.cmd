stagewise serve tests/golden/rules/risk.sw --listen 8080
