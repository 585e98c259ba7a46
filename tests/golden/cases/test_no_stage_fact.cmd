stagewise test tests/golden/rules/risk.sw -s tests/golden/scenarios/risk.yaml
