stagewise help --help
