stagewise test tests/golden/scenarios/guide -q --min-coverage 100
