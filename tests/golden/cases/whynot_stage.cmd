stagewise explain tests/golden/rules/engagement -f tests/golden/facts/engagement_one.yaml --why-not stage:persuasion
