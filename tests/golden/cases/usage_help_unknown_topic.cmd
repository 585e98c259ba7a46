stagewise help frobnicate
