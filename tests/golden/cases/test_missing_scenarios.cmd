stagewise test tests/golden/scenarios/guide --scenarios tests/golden/scenarios/guide/tests tests/golden/scenarios/no_such_file.yaml
