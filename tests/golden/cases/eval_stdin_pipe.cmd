cat tests/golden/facts/engagement_stream.yaml | stagewise eval tests/golden/rules/engagement --format jsonl -f -
