stagewise test tests/golden/scenarios/guide --format json
