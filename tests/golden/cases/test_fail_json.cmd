stagewise test tests/golden/scenarios/guide --scenarios tests/golden/scenarios/failing.yaml --quiet --format json
