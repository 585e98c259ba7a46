stagewise coverage --format json
