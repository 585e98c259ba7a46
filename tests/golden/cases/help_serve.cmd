stagewise serve --help
