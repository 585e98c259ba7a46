stagewise eval --help
