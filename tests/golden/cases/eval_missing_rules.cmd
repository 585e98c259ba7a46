stagewise eval tests/golden/rules/no_such_dir -f tests/golden/facts/engagement_one.yaml
