stagewise -h
