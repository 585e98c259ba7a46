stagewise eval tests/golden/rules/engagement -f tests/golden/facts/engagement_one.yaml -f tests/golden/facts/engagement.jsonl --format json
