. tests/golden/audit/lib.sh; audit_log "$T/decisions.log"; sed 2d "$T/decisions.log" > "$T/removed.log"; named stagewise audit verify "$T/removed.log"
