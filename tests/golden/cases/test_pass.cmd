stagewise test tests/golden/scenarios/guide
