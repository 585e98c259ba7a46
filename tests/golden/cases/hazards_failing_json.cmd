stagewise coverage tests/golden/rules/risk.sw --hazards --hazard-log tests/golden/hazards/failing.yaml --scenarios tests/golden/scenarios/risk.yaml --format json
