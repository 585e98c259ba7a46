stagewise eval tests/golden/rules/engagement -f tests/golden/facts/empty.yaml --format json
