stagewise fmt --help
