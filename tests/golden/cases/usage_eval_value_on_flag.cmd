stagewise eval --help=yes
