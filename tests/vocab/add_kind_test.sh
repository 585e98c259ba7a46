#!/bin/sh
# add_kind_test.sh - shows that adding an output kind is one line in the vocabulary
# (SW_ITEM_KINDS in engine/lang/vocab.h) plus its grammar keywords.
#
# Usage: add_kind_test.sh SOURCE_DIR
# Copies the source tree to a scratch directory, adds the kind "referral" (declared
# with `referral`, produced by the action `refer`, shown among today's actions) as
# one line in the list, two lexer keywords and two grammar rules, builds the
# library and the command with -Werror, and checks that the new kind reaches every
# tool by itself: `check`'s summary, `eval` (text, JSON, the brief's TODAY lines),
# `diff` between two rule files that differ in a referral, a scenario expectation
# key (`refer`, `not_refer`) that passes and one that fails, and the service's
# rule set counts and CDS cards (the today card, with a suggestion).
set -eu
src=$(cd "$1" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sw-add-kind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "add_kind_test: $*" >&2; exit 1; }

mkdir "$tmp/src"
for d in CMakeLists.txt cmake cli engine grammar include service; do
    cp -R "$src/$d" "$tmp/src/$d"
done
# The service embeds the workbench's assets; copy whatever the build reads.
for d in editors docs rules examples; do
    [ -e "$src/$d" ] && cp -R "$src/$d" "$tmp/src/$d"
done
s=$tmp/src

# 1. One line in the list: after the RISK row.
awk '{ print }
/^ *ITEM\(RISK,/ && !done {
    print "    ITEM(REFERRAL, \"referral\", \"referrals\", REFER, \"refer\", \"refers\", \"referred\", NONE, \"referrals\", \"Referrals\", \"referral\", \"refer\", TODAY) \\"
    done = 1 }' "$s/engine/lang/vocab.h" > "$s/vocab.h.new"
mv "$s/vocab.h.new" "$s/engine/lang/vocab.h"
# The RISK row ended the list (no backslash): make it continue to the new one.
sed -i 's/^\( *ITEM(RISK,.*RISKS)\) *$/\1 \\/' "$s/engine/lang/vocab.h"
grep -q 'ITEM(REFERRAL' "$s/engine/lang/vocab.h" || fail "could not add the row"

# 2. The grammar: two keywords, two tokens, a declaration and an action.
sed -i 's/^"risk" .*/&\n"referral"          { return REFERRAL; }\n"refer"             { return REFER; }/' \
    "$s/grammar/lexer.l"
sed -i 's/^%token RECOMMEND /%token REFERRAL "'"'"'referral'"'"'" REFER "'"'"'refer'"'"'"\n&/' "$s/grammar/parser.y"
awk '{ print }
/^    \| RISK ident STRING item_tail/ { decl = 1; next }
decl && /add_decl/ {
    print "    | REFERRAL ident STRING item_tail"
    print "        { if ($4) { $4->item_kind = SW_ITEM_REFERRAL; $4->name = *$2; $4->title = $3;"
    print "          $4->at = @$; add_decl(sx, $4); } }"
    decl = 0 }
/^    \| MOVE ident opt_because/ { act = 1 }
act && /SW_ACT_MOVE/ {
    print "    | REFER ident opt_because"
    print "        { $$ = NEW(sw_action_ast); if ($$) { $$->kind = SW_ACT_REFER; $$->target = *$2; $$->because = $3; $$->at = @$; } }"
    act = 0 }' "$s/grammar/parser.y" > "$s/parser.y.new"
mv "$s/parser.y.new" "$s/grammar/parser.y"
grep -q 'SW_ACT_REFER' "$s/grammar/parser.y" || fail "could not add the action"
grep -q 'SW_ITEM_REFERRAL' "$s/grammar/parser.y" || fail "could not add the declaration"

# 3. Build the library and the command, warnings as errors.
cmake -S "$s" -B "$tmp/build" -DSTAGEWISE_WERROR=ON -DSTAGEWISE_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=Release > "$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; fail "configure failed"; }
cmake --build "$tmp/build" --target stagewise -j2 > "$tmp/build.log" 2>&1 || {
    grep -E 'error|Error' "$tmp/build.log" | head -40; fail "the scratch build failed"; }

# 4. A rule set that refers, and a client it fires for.
cat > "$tmp/refer.sw" <<'SW'
guideline refer_test "A referral" version "1.0.0"

source T "Test source"
statement T.s1 "Section" "A statement."

stage engagement "Engagement"
stage persuasion "Persuasion"
order engagement -> persuasion

facts {
  stage: stage "Current treatment stage"
  housing: one of { stable, rough_sleeping } "Housing status"
}

referral housing_team "Housing team" cites T.s1

rule refer_rough_sleeping "Rough sleeping: refer to the housing team"
  cites T.s1
when
  housing is rough_sleeping
then
  refer housing_team because "sleeping rough"
end
SW
printf 'client: c1\nfacts:\n  stage: engagement\n  housing: rough_sleeping\n' > "$tmp/client.yaml"

bin=$tmp/build/stagewise
chk=$("$bin" check "$tmp/refer.sw" 2>&1) || { echo "$chk"; fail "check refused the referral"; }
out=$("$bin" eval --detail "$tmp/refer.sw" -f "$tmp/client.yaml" 2>&1) || { echo "$out"; fail "eval failed"; }
echo "$out" | grep -q 'Referrals' || { echo "$out"; fail "no Referrals section in the text report"; }
echo "$out" | grep -q 'housing_team' || { echo "$out"; fail "the referral is not shown"; }
json=$("$bin" eval --format json "$tmp/refer.sw" -f "$tmp/client.yaml" 2>&1) || { echo "$json"; fail "eval --format json failed"; }
echo "$json" | grep -q '"referrals"' || { echo "$json"; fail "no referrals in the JSON result"; }
# A client it does not fire for shows none.
printf 'client: c2\nfacts:\n  stage: engagement\n  housing: stable\n' > "$tmp/client2.yaml"
out2=$("$bin" eval --detail "$tmp/refer.sw" -f "$tmp/client2.yaml" 2>&1) || { echo "$out2"; fail "eval failed"; }
if echo "$out2" | grep -q 'housing_team'; then echo "$out2"; fail "a referral was shown that no rule made"; fi

# 5. check's summary counts every kind's catalogue entries.
echo "$chk" | grep -qF ', 0 risks, 1 referral, 1 source,' || { echo "$chk"; fail "check's summary does not count the referral"; }

# 6. The brief (eval's default text format) lists the referral among today's actions.
brief=$("$bin" eval "$tmp/refer.sw" -f "$tmp/client.yaml" 2>&1) || { echo "$brief"; fail "eval (brief) failed"; }
echo "$brief" | grep -qxF 'TODAY    referrals' || { echo "$brief"; fail "the brief's TODAY line does not name referrals"; }
echo "$brief" | grep -qxF '  REFER   Housing team: sleeping rough' || { echo "$brief"; fail "the brief does not list the referral"; }
brief2=$("$bin" eval "$tmp/refer.sw" -f "$tmp/client2.yaml" 2>&1) || { echo "$brief2"; fail "eval (brief) failed"; }
echo "$brief2" | grep -qxF 'TODAY    no urgent or high-priority recommendation, no referral' ||
    { echo "$brief2"; fail "the brief's empty TODAY line does not name referrals"; }

# 7. diff: a second rule file that also refers to a mental health team.
mkdir "$tmp/clients"
cp "$tmp/client.yaml" "$tmp/clients/c1.yaml"
sed -e 's/^referral housing_team .*/&\nreferral mental_health_team "Mental health team" cites T.s1/' \
    -e 's/^  refer housing_team because "sleeping rough"$/&\n  refer mental_health_team because "sleeping rough"/' \
    "$tmp/refer.sw" > "$tmp/refer2.sw"
grep -q 'refer mental_health_team' "$tmp/refer2.sw" || fail "could not write the second rule file"
diff_out=$("$bin" diff "$tmp/refer.sw" "$tmp/refer2.sw" --clients "$tmp/clients" 2>&1) ||
    { echo "$diff_out"; fail "diff failed"; }
echo "$diff_out" | grep -qxF '  + refer mental_health_team  [refer_rough_sleeping*]' ||
    { echo "$diff_out"; fail "diff does not show the added referral"; }
echo "$diff_out" | grep -qxF '  referrals: 1 added, 0 removed' ||
    { echo "$diff_out"; fail "diff's summary does not count referrals"; }

# 8. Scenario expectations: refer and not_refer, one that holds and one that fails.
cat > "$tmp/refer_scenarios.yaml" <<'YAML'
scenario: refers_rough_sleeper
description: A client sleeping rough is referred to the housing team
facts:
  stage: engagement
  housing: rough_sleeping
expect:
  refer: [housing_team]
---
scenario: wrongly_expects_no_referral
description: Expects no referral where the rule refers, so it fails
facts:
  stage: engagement
  housing: rough_sleeping
expect:
  not_refer: [housing_team]
YAML
set +e
test_out=$("$bin" test "$tmp/refer.sw" --scenarios "$tmp/refer_scenarios.yaml" 2>&1)
test_status=$?
set -e
[ "$test_status" -ne 0 ] || { echo "$test_out"; fail "a failing scenario did not fail the run"; }
echo "$test_out" | grep -qF 'scenario wrongly_expects_no_referral: expected housing_team not referred, got referred' ||
    { echo "$test_out"; fail "the failed referral expectation is not reported"; }
echo "$test_out" | grep -q '^1 passed, 1 failed' || { echo "$test_out"; fail "the referral scenario did not pass"; }
if echo "$test_out" | grep -q 'refers_rough_sleeper'; then echo "$test_out"; fail "the passing scenario was reported"; fi

# 9. The service: the rule set's counts and the CDS cards (the today card, with the
# referral as a suggestion). Needs curl.
if command -v curl > /dev/null 2>&1; then
    "$bin" serve "$tmp/refer.sw" --listen 127.0.0.1:0 2> "$tmp/server.err" &
    server=$!
    trap 'kill "$server" 2> /dev/null; rm -rf "$tmp"' EXIT INT TERM
    port=
    tries=0
    while [ -z "$port" ] && [ $tries -lt 100 ]; do
        port=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9][0-9]*\) with .*|\1|p' "$tmp/server.err")
        [ -n "$port" ] || sleep 0.1
        tries=$((tries + 1))
    done
    [ -n "$port" ] || { cat "$tmp/server.err"; fail "the service did not start"; }
    info=$(curl -s -m 20 "http://127.0.0.1:$port/v1/ruleset")
    echo "$info" | tr -d ' \n' | grep -qF '"risks":0,"referrals":1,' ||
        { echo "$info"; fail "the service's rule set counts do not count referrals"; }
    printf '{"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"patientId": "P-1"}, "prefetch": {"stagewise": {"client": "c1", "facts": {"stage": "engagement", "housing": "rough_sleeping"}}}}\n' > "$tmp/hook.json"
    cards=$(curl -s -m 20 -X POST --data-binary @"$tmp/hook.json" "http://127.0.0.1:$port/cds-services/refer_test")
    flat=$(echo "$cards" | tr -d ' \n')
    echo "$flat" | grep -qF '"summary":"Today:Housingteam"' || { echo "$cards"; fail "no today card with the referral"; }
    echo "$flat" | grep -qF '"system":"urn:stagewise:refer_test:referral","code":"housing_team"' ||
        { echo "$cards"; fail "the referral is not a suggestion of the today card"; }
    echo "$flat" | grep -qF '"kind":"today","items":["housing_team"]' || { echo "$cards"; fail "the today card's extension lacks the referral"; }
    kill "$server"
    wait "$server" || true
    trap 'rm -rf "$tmp"' EXIT INT TERM
else
    echo "add_kind_test: curl is missing; the service's cards are not checked"
fi

echo "add_kind_test: referral added in one line plus the grammar; check, eval, the brief, diff, scenario tests and the service's cards show it"
