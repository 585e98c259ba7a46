stagewise eval tests/golden/rules/engagement -f tests/golden/facts/engagement_one.yaml --detail
