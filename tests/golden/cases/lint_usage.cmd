stagewise lint --format xml tests/golden/lint/clean.sw
