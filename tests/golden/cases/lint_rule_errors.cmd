stagewise lint tests/golden/rules/bad/misspelt_fact.sw
