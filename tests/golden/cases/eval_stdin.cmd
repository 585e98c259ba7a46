stagewise eval tests/golden/rules/engagement -f - --format json < tests/golden/facts/engagement_one.yaml
