stagewise eval tests/golden/rules/engagement -f tests/golden/facts/engagement_stream.yaml --format text --detail
