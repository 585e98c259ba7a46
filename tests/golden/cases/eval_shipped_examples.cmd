set --; for f in examples/clients/*.yaml examples/clients/*.json; do set -- "$@" -f "$f"; done; { stagewise eval rules/ "$@"; echo "exit $?"; } | grep -E '^(Client |STAGE |exit )'
