stagewise lint --format json tests/golden/lint/findings.sw
