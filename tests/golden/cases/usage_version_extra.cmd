stagewise --version now
