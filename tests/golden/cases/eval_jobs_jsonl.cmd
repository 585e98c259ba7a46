stagewise eval tests/golden/rules/engagement -f tests/golden/facts/engagement_errors.yaml -f tests/golden/facts/engagement.jsonl --format jsonl -j 3
