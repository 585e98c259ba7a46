stagewise serve tests/golden/rules/bad/misspelt_fact.sw --listen 127.0.0.1:0
