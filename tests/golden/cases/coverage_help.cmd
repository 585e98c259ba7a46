stagewise coverage -h
