stagewise test --scenarios tests/golden/scenarios/failing.yaml
