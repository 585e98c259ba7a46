stagewise lint --help
