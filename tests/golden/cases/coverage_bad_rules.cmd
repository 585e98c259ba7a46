stagewise coverage tests/golden/scenarios/bad_rules.sw
