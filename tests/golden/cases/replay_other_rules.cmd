. tests/golden/audit/lib.sh; audit_log "$T/decisions.log"; named stagewise replay "$T/decisions.log:2" --rules tests/golden/audit/risk_v2.sw
