stagewise eval rules --fhir tests/golden/facts/engagement_one.json --assessed-on 2026-11-20
