stagewise lint tests/golden/lint/findings.sw
