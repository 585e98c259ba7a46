stagewise coverage tests/golden/rules/risk.sw --hazards --hazard-log tests/golden/hazards/none.yaml --scenarios tests/golden/scenarios/risk.yaml
