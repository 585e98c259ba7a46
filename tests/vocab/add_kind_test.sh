#!/bin/sh
# add_kind_test.sh - shows that adding an output kind is one line in the vocabulary
# (SW_ITEM_KINDS in engine/lang/vocab.h) plus its grammar keywords.
#
# Usage: add_kind_test.sh SOURCE_DIR
# Copies the source tree to a scratch directory, adds the kind "referral" (declared
# with `referral`, produced by the action `refer`) as one line in the list, two
# lexer keywords and two grammar rules, builds the library and the command with
# -Werror, and checks that `stagewise eval` shows a referral a rule made.
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
    print "    ITEM(REFERRAL, \"referral\", \"referrals\", REFER, \"refer\", \"refers\", \"referred\", NONE, \"referrals\", \"Referrals\") \\"
    done = 1 }' "$s/engine/lang/vocab.h" > "$s/vocab.h.new"
mv "$s/vocab.h.new" "$s/engine/lang/vocab.h"
# The RISK row ended the list (no backslash): make it continue to the new one.
sed -i 's/^\( *ITEM(RISK,.*"Risks")\) *$/\1 \\/' "$s/engine/lang/vocab.h"
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
echo "add_kind_test: referral added in one line plus the grammar; eval shows it"
