stagewise check -
