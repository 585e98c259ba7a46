stagewise help eval
