stagewise test tests/golden/scenarios/guide --format yaml
