stagewise eval tests/golden/rules/engagement -f tests/golden/facts/engagement_errors.yaml --format json
