stagewise coverage tests/golden/scenarios/unencoded.sw --format json
