stagewise eval rules -f tests/golden/facts/engagement_stream.yaml --fhir tests/golden/fhir/merge_bundle.json
