stagewise --version
