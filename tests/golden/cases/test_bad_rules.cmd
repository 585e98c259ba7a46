stagewise test tests/golden/scenarios/bad_rules.sw --scenarios tests/golden/scenarios/failing.yaml
