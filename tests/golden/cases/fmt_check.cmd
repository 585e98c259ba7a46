stagewise fmt --check tests/golden/lint/formatted.sw tests/golden/lint/unformatted.sw tests/golden/lint/clean.sw
