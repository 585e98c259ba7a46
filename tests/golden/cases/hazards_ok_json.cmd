stagewise coverage tests/golden/rules/risk.sw --hazards --hazard-log tests/golden/hazards/ok.yaml --scenarios tests/golden/scenarios/risk.yaml --format json
