. tests/golden/audit/lib.sh; audit_log "$T/decisions.log"; named stagewise replay "$T/decisions.log" --rules tests/golden/rules/risk.sw
