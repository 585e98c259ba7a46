stagewise test tests/golden/scenarios/guide --scenarios tests/golden/rules/engagement
