#!/bin/sh
# check_result.sh - the result document (format 3.0, docs/result-format.md) read by
# a real JSON parser, jq, for every example client (the CTest test `result.jq`).
#
# Usage: tests/result/check_result.sh STAGEWISE ROOT
#
# For each client in examples/clients/ it renders the result as JSON and JSON
# Lines and checks, with jq: both parse and hold the same data; the format is 3.0;
# every index a reason, item, rule, data gap, statement or the stage refers to is a
# row of its table (rules, undecided, facts, statements, sources) and every row is
# referred to; each table is sorted by its identifier, once each; the stage
# direction is "undecided" exactly when the status is not "decided". It prints each client's size in bytes (pretty, compact) and exits 1
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
. as $d
| ($d.recommendations + $d.advice + $d.challenges + $d.risks) as $items
| ([$items[].reasons[].rule] + [$d.stage.candidates[].reasons[].rule] | unique) as $used
| ([$items[].cites[]] + [$d.rules[].cites[]] | unique) as $cited
| ([$d.rules[].matched[]] + [$d.data_gaps[].fact] | unique) as $read
| ([$d.data_gaps[].rules[]] + $d.stage.undecided_rules | unique) as $waiting
| ([$d.statements[].source] | unique) as $named
| def every($t; $refs): [range(0; $d[$t] | length)] as $all
    | (($refs - $all) | map("\($t) has no row \(.)")[]),
      (($all - $refs) | map("row \(.) of \($t) that nothing refers to")[]);
  (if $d.format != "stagewise-result" or $d.format_version != "3.0"
   then "format \($d.format) \($d.format_version)" else empty end),
  ([$used, $cited, $read, $waiting, $named][][] | select(type != "number")
   | "a reference is not an index: \(.)"),
  every("rules"; $used),
  every("statements"; $cited),
  every("undecided"; $waiting),
  every("sources"; $named),
  (([range(0; $d.facts | length)] - $read) as $unread
   | $unread | map(select($d.facts[.].derived | not)) | map("recorded fact \($d.facts[.].name) in the table that no rule read and no gap names")[]),
  (($read - [range(0; $d.facts | length)]) | map("facts has no row \(.)")[]),
  (if ($d.rules | map(.id)) != ($d.rules | map(.id) | sort) or ($d.rules | map(.id) | unique | length) != ($d.rules | length) then "rules not sorted by id, once each" else empty end),
  (if ($d.facts | map(.name)) != ($d.facts | map(.name) | unique) then "facts not sorted by name, once each" else empty end),
  (if ($d.statements | map(.key)) != ($d.statements | map(.key) | unique) then "statements not sorted by key, once each" else empty end),
  (if ($d.sources | map(.id)) != ($d.sources | map(.id) | unique) then "sources not sorted by id, once each" else empty end),
  (if $d.undecided != ($d.undecided | unique) then "undecided not sorted, once each" else empty end),
  ($d.statements[] | select((.key | capture("^(?<s>[^. ]+)") | .s) != $d.sources[.source].id)
   | "statement \(.key) names another source than its row"),
  (if ($d.stage.direction == "undecided") != ($d.stage.status != "decided")
   then "direction \($d.stage.direction) with status \($d.stage.status)" else empty end),
  (if ($d.data_gaps | map(.rank) | sort) != [range(1; ($d.data_gaps | length) + 1)]
   then "ranks are not 1..n" else empty end),
  (if ($d.data_gaps | map($d.facts[.fact].value) | map(select(. != null)) | length) > 0
   then "a data gap names a fact that is known" else empty end)
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
