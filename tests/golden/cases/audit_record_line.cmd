. tests/golden/audit/lib.sh; audit_log "$T/decisions.log"; sed -n 1p "$T/decisions.log"
