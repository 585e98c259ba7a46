stagewise check --help
