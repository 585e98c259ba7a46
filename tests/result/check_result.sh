#!/bin/sh
# check_result.sh - the result document (format 2.0, docs/result-format.md) read by
# a real JSON parser, jq, for every example client (the CTest test `result.jq`).
#
# Usage: tests/result/check_result.sh STAGEWISE ROOT
#
# For each client in examples/clients/ it renders the result as JSON and JSON
# Lines and checks, with jq: both parse and hold the same data; the format is 2.0;
# every name a reason, rule or item refers to is in its table (rules, facts,
# citations, sources) and every table entry is referred to; the tables' keys are
# sorted; the stage direction is "undecided" exactly when the status is not
# "decided". It prints each client's size in bytes (pretty, compact) and exits 1
# on any failure.

set -u
if [ $# -ne 2 ]; then
    echo "usage: check_result.sh STAGEWISE ROOT" >&2
    exit 2
fi
bin=$1
root=$2
command -v jq >/dev/null 2>&1 || { echo "check_result.sh: needs jq" >&2; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# Prints nothing when the document holds together; otherwise one line per problem.
checks='
def src: (capture("^(?<s>[^. ]+)") | .s);
. as $d
| ($d.recommendations + $d.advice + $d.challenges + $d.risks) as $items
| ([$items[].reasons[].rule] + [$d.stage.candidates[].reasons[].rule] | unique) as $used
| ([$items[].cites[]] + [$d.rules[].cites[]] | unique) as $cited
| ([$d.rules[].matched[]] | unique) as $read
| (if $d.format != "stagewise-result" or $d.format_version != "2.0"
   then "format \($d.format) \($d.format_version)" else empty end),
  ($used - ($d.rules | keys) | map("reason names a rule not in rules: \(.)")[]),
  (($d.rules | keys) - $used | map("rule in the table that no reason names: \(.)")[]),
  ($cited - ($d.citations | keys) | map("citation not in citations: \(.)")[]),
  (($d.citations | keys) - $cited | map("citation in the table that nothing cites: \(.)")[]),
  (($d.citations | keys | map(src) | unique) - ($d.sources | keys)
   | map("source not in sources: \(.)")[]),
  (($d.sources | keys) - ($d.citations | keys | map(src) | unique)
   | map("source in the table that no citation names: \(.)")[]),
  ($read - ($d.facts | keys) | map("fact read but not in facts: \(.)")[]),
  (($d.facts | to_entries | map(select(.value.derived | not)) | map(.key)) - $read
   | map("recorded fact in the table that no rule read: \(.)")[]),
  (["rules", "facts", "citations", "sources"][] as $t
   | if ($d[$t] | keys_unsorted) != ($d[$t] | keys) then "\($t) not sorted by key" else empty end),
  (if ($d.stage.direction == "undecided") != ($d.stage.status != "decided")
   then "direction \($d.stage.direction) with status \($d.stage.status)" else empty end),
  (if ($d.data_gaps | map(.rank) | sort) != [range(1; ($d.data_gaps | length) + 1)]
   then "ranks are not 1..n" else empty end)
'

for f in "$root"/examples/clients/*.yaml "$root"/examples/clients/*.json; do
    name=$(basename "$f")
    "$bin" eval "$root/rules" -f "$f" --format json >"$tmp/pretty" 2>"$tmp/err" || {
        echo "FAIL $name: eval --format json failed: $(cat "$tmp/err")"; fail=1; continue; }
    "$bin" eval "$root/rules" -f "$f" --format jsonl >"$tmp/compact" 2>"$tmp/err" || {
        echo "FAIL $name: eval --format jsonl failed"; fail=1; continue; }
    if ! jq -e . "$tmp/pretty" >/dev/null 2>"$tmp/err"; then
        echo "FAIL $name: jq cannot parse the JSON: $(cat "$tmp/err")"; fail=1; continue
    fi
    if [ "$(wc -l <"$tmp/compact")" -ne 1 ] ||
       [ "$(jq -c . "$tmp/pretty")" != "$(jq -c . "$tmp/compact")" ]; then
        echo "FAIL $name: JSON Lines is not one line holding the same document"; fail=1
    fi
    problems=$(jq -r "$checks" "$tmp/pretty" 2>&1)
    if [ -n "$problems" ]; then
        echo "$problems" | sed "s|^|FAIL $name: |"
        fail=1
    fi
    printf '%-40s %7d %7d\n' "$name" "$(wc -c <"$tmp/pretty")" "$(wc -c <"$tmp/compact")"
done
exit $fail
