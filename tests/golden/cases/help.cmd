stagewise --help
