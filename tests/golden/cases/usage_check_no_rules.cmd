stagewise check
