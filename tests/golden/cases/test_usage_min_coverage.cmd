stagewise test tests/golden/scenarios/guide --min-coverage lines=80
