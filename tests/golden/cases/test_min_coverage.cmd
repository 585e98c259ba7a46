stagewise test tests/golden/scenarios/guide --quiet --min-coverage rules=100,transitions=75 --min-coverage statements=100
