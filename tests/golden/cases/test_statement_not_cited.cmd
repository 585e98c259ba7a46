stagewise test tests/golden/scenarios/unencoded.sw --scenarios tests/golden/scenarios/unencoded.yaml
