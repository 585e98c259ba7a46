. tests/golden/audit/lib.sh; audit_log "$T/decisions.log"; named stagewise audit verify "$T/decisions.log"
