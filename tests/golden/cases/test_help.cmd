stagewise test --help
