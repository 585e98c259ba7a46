stagewise eval rules -f tests/golden/facts/merge_document.yaml -f tests/golden/facts/engagement_one.json --fhir tests/golden/fhir/merge_bundle.json
