stagewise fmt
