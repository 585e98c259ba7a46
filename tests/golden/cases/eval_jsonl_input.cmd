stagewise eval tests/golden/rules/engagement -f tests/golden/facts/engagement.jsonl --format jsonl
