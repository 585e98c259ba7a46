stagewise coverage tests/golden/scenarios/guide
