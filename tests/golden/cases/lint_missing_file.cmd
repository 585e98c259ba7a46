stagewise lint tests/golden/lint/no-such-file.sw
