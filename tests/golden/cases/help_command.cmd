stagewise help
