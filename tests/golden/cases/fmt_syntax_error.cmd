stagewise fmt --check tests/golden/rules/bad/missing_end.sw tests/golden/lint/formatted.sw
