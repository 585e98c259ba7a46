stagewise eval rules --fhir tests/golden/fhir/hook.json --assessed-on 2026-02-30
