stagewise test tests/golden/scenarios/guide --quiet --scenarios tests/golden/scenarios/bad.yaml tests/golden/scenarios/broken.yaml
