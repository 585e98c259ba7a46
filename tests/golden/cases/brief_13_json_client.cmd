stagewise eval rules -f examples/clients/13-json-client.json
