#!/bin/sh
# safety_check.sh - the rule base and its clinical safety document stay in step.
#
# Usage: tests/safety/safety_check.sh RULES_DIR DOC
#        tests/safety/safety_check.sh --self-test ROOT
#
# 1. Every numeric comparison in the rules (`phq9 >= 20`, `days since
#    released_from_prison_on <= 28`, `sats is 3`) appears, written the same way in
#    backquotes, in the cut-off table of DOC (docs/clinical-safety.md), which gives
#    its published source; and every comparison in that table is still in the
#    rules, so the table cannot go stale.
# 2. Every risk declared has a severity.
# 3. A risk whose title, or the `because` of a rule raising it, warns of overdose
#    is of the overdose kind: its id starts with `overdose`.
# Prints each problem and exits 1 when there is one. --self-test runs the check on
# ROOT/rules and ROOT/docs/clinical-safety.md (which must pass), then on scratch
# copies with one fault of each kind (each must fail).

set -u
LC_ALL=C
export LC_ALL

comparisons() {
    # comments and strings out, then every comparison of a name with a number
    sed -e 's/#.*//' -e 's/"[^"]*"//g' "$1"/*.sw |
        grep -oE '((days|weeks|months) since )?[a-z_][a-z0-9_]* (>=|<=|>|<|is not|is) -?[0-9]+(\.[0-9]+)?' |
        sort -u
}

table() {
    # the backquoted comparisons of the cut-off table: rows starting with "| `"
    # under the heading "## Every cut-off and its source"
    awk '/^## / { on = ($0 == "## Every cut-off and its source") } on' "$1" |
        grep -E '^\| `' | sed -E 's/^\| `([^`]*)`.*/\1/' | sort -u
}

check() {
    rules=$1
    doc=$2
    bad=0
    tmp=${TMPDIR:-/tmp}/safety_check.$$
    comparisons "$rules" >"$tmp.rules"
    table "$doc" >"$tmp.doc"
    for c in $(comm -23 "$tmp.rules" "$tmp.doc" | tr ' ' '~'); do
        echo "cut-off '$(echo "$c" | tr '~' ' ')' in $rules is not in the table of $doc: add its published source"
        bad=1
    done
    for c in $(comm -13 "$tmp.rules" "$tmp.doc" | tr ' ' '~'); do
        echo "cut-off '$(echo "$c" | tr '~' ' ')' in the table of $doc is no longer in $rules: remove the row"
        bad=1
    done
    rm -f "$tmp.rules" "$tmp.doc"
    # risks without a severity, and overdose warnings on a risk of another kind
    awk '
        function strip(s) { sub(/#.*/, "", s); return s }
        /^risk [a-z_]+/ {
            line = strip($0)
            if (line !~ / severity (info|warning|critical)/) {
                printf "%s:%d: risk %s has no severity\n", FILENAME, FNR, $2; bad = 1
            }
            if (tolower(line) ~ /overdose/ && $2 !~ /^overdose/) {
                printf "%s:%d: risk %s warns of overdose but is not of the overdose kind (overdose_...)\n", FILENAME, FNR, $2; bad = 1
            }
        }
        /^rule / { inrule = 1; cur = "" }
        /^end/ { inrule = 0; cur = "" }
        inrule && /^  (recommend|advise|challenge|move|set) / { cur = "" }
        inrule && /^  risk [a-z_]+/ { cur = $2; curline = FNR }
        inrule && cur != "" && tolower($0) ~ /because ".*overdose/ && cur !~ /^overdose/ {
            printf "%s:%d: rule raises risk %s with a warning of overdose, but %s is not of the overdose kind (overdose_...)\n", FILENAME, FNR, cur, cur; bad = 1
        }
        END { exit bad }
    ' "$rules"/*.sw || bad=1
    return $bad
}

if [ "${1:-}" = "--self-test" ]; then
    root=$2
    fail=0
    if ! check "$root/rules" "$root/docs/clinical-safety.md"; then
        echo "safety_check: the shipped rule base fails"
        fail=1
    fi
    scratch=${TMPDIR:-/tmp}/safety_self.$$
    # each fault: a sed on one file of a scratch copy
    for fault in \
        'risks.sw|s/phq9 >= 20$/phq9 >= 21/' \
        'catalogue.sw|s/^\(risk street_homelessness "Rough sleeping"\) severity warning/\1/' \
        'catalogue.sw|s/^risk street_homelessness "Rough sleeping"/risk street_homelessness "Rough sleeping (overdose)"/' \
        'risks.sw|s/risk overdose_missed_ost$/risk nonadherence/'; do
        rm -rf "$scratch"
        mkdir -p "$scratch/rules" "$scratch/docs"
        cp "$root"/rules/*.sw "$scratch/rules/"
        cp "$root/docs/clinical-safety.md" "$scratch/docs/"
        file=${fault%%|*}
        expr=${fault#*|}
        sed "$expr" "$root/rules/$file" >"$scratch/rules/$file"
        if cmp -s "$root/rules/$file" "$scratch/rules/$file"; then
            echo "safety_check: self-test fault '$expr' changed nothing in $file"
            fail=1
        elif check "$scratch/rules" "$scratch/docs/clinical-safety.md" >/dev/null; then
            echo "safety_check: self-test fault '$expr' in $file was not caught"
            fail=1
        fi
    done
    rm -rf "$scratch"
    [ $fail = 0 ] && echo "safety_check: the rule base passes and each of 4 faults is caught"
    exit $fail
fi

[ $# -eq 2 ] || { sed -n '2,18s/^# \{0,1\}//p' "$0"; exit 2; }
check "$1" "$2" || exit 1
echo "safety_check: $(comparisons "$1" | wc -l | tr -d ' ') cut-offs, each in $2; every risk has a severity; overdose warnings are overdose risks"
