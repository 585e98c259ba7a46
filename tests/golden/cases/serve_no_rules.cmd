stagewise serve
