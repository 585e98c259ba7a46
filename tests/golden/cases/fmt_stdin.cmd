stagewise fmt - < tests/golden/lint/unformatted.sw
