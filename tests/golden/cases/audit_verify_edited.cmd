. tests/golden/audit/lib.sh; audit_log "$T/decisions.log"; sed '2s/"units_per_week":62.5/"units_per_week":12.5/' "$T/decisions.log" > "$T/edited.log"; named stagewise audit verify "$T/edited.log"
