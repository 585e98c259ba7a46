stagewise lint tests/golden/lint/clean.sw
