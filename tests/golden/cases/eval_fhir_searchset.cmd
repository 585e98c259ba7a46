stagewise eval rules --fhir tests/golden/fhir/searchset.json --assessed-on 2026-11-20
