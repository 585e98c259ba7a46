stagewise eval rules -f tests/golden/facts/merge_document.yaml --fhir tests/golden/fhir/merge_bundle.json
