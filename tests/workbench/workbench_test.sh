#!/bin/sh
# workbench_test.sh - the workbench in a real browser: headless Chromium driven by
# chromedriver through the WebDriver protocol (plain HTTP, with curl and jq).
#
# Usage: tests/workbench/workbench_test.sh STAGEWISE ROOT ARTIFACTS
#
# Starts `stagewise serve` on a free loopback port with a token and a decision log,
# starts chromedriver on a free port, and then, as a clinician would: types the
# token, fills the form for two example clients (examples/clients/13, JSON, and 01,
# YAML) field by field (typing numbers, ticking boxes, choosing from lists), checks
# that the brief on the page names the same risks, recommendations and stage as
# `stagewise eval` does for that client, opens the explanation of a recommendation
# and a "why not?", opens a logged decision (chain verified, replay identical), and
# a rule of the guidance, the hazard log (the same hazards as `coverage --hazards`)
# and a control's rule page naming its hazard, and the page at half the width (as at 200 % zoom). Screenshots are kept in ARTIFACTS (docs/workbench.md).
# Exits 77 (skipped) when chromium or chromedriver is not installed. Every check
# prints a line only when it fails; the last line is "N passed, M failed".

set -u

bin=$1
root=$2
shots=$3
chromium=${CHROMIUM:-/usr/bin/chromium}
driver=${CHROMEDRIVER:-/usr/bin/chromedriver}
if [ ! -x "$chromium" ] || [ ! -x "$driver" ]; then
    echo "SKIP: the workbench test needs chromium and chromedriver ($chromium, $driver)"
    exit 77
fi
for tool in curl jq; do
    command -v "$tool" > /dev/null || { echo "SKIP: the workbench test needs $tool"; exit 77; }
done
cd "$root" || exit 2
mkdir -p "$shots" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stagewise-workbench.XXXXXX") || exit 2
server=
driver_pid=
cleanup() {
    if [ -n "${session:-}" ]; then curl -s -X DELETE "$wd/session/$session" > /dev/null 2>&1; fi
    if [ -n "$driver_pid" ]; then kill "$driver_pid" 2> /dev/null; fi
    if [ -n "$server" ]; then kill "$server" 2> /dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
LC_ALL=C
export LC_ALL

passed=0
failed=0
check() {
    if [ "$2" = "$3" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
    fi
}
fatal() {
    echo "FAIL $*"
    if [ -n "${session:-}" ]; then
        screenshot failure
        echo "  page status: $(text_of '#status')"
        wd_call POST /se/log '{"type": "browser"}' | jq -r '.[]?.message' | sed 's/^/  browser | /'
    fi
    [ -f "$tmp/server.err" ] && sed 's/^/  server | /' "$tmp/server.err" | tail -5
    [ -f "$tmp/driver.out" ] && sed 's/^/  driver | /' "$tmp/driver.out" | tail -5
    echo "$passed passed, $((failed + 1)) failed"
    exit 1
}

# wait_line FILE PATTERN: the first line of FILE matching PATTERN, once it is there
# (the programs print it when they are ready; at most 20 s).
wait_line() {
    i=0
    while [ $i -lt 200 ]; do
        line=$(grep -m1 -- "$2" "$1" 2> /dev/null) && { echo "$line"; return 0; }
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# ---- the server and the driver ----

token=workbench-test-token-0123456789
printf '%s\n' "$token" > "$tmp/tokens"
chmod 600 "$tmp/tokens"
"$bin" serve rules --listen 127.0.0.1:0 --token-file "$tmp/tokens" --log "$tmp/decisions.log" \
    --scenarios rules/tests --hazards rules/hazards.yaml 2> "$tmp/server.err" &
server=$!
line=$(wait_line "$tmp/server.err" "on http://") || fatal "the server did not start"
base=$(echo "$line" | sed 's/.* on \(http:[^ ]*\) .*/\1/')

"$driver" --port=0 > "$tmp/driver.out" 2>&1 &
driver_pid=$!
line=$(wait_line "$tmp/driver.out" "started successfully on port") || fatal "chromedriver did not start"
wd=http://127.0.0.1:$(echo "$line" | sed 's/.*on port \([0-9]*\).*/\1/')

# ---- WebDriver (https://www.w3.org/TR/webdriver2/) ----

# wd_call METHOD PATH [BODY]: one command of the session; prints the reply's value.
wd_call() {
    curl -s -X "$1" -H 'Content-Type: application/json' "$wd/session/$session$2" \
        ${3:+--data-binary "$3"} | jq -c '.value'
}
# wd_raw METHOD PATH BODY FILTER: the same, the reply read by the jq FILTER, raw
# (one jq where wd_call and a second jq would take two: jq's start-up is most of
# this test's time).
wd_raw() {
    curl -s -X "$1" -H 'Content-Type: application/json' "$wd/session/$session$2" \
        --data-binary "$3" | jq -r "$4"
}
# wd_do METHOD PATH BODY: a command whose reply is not needed (no jq at all).
wd_do() {
    curl -s -o /dev/null -X "$1" -H 'Content-Type: application/json' "$wd/session/$session$2" \
        --data-binary "$3"
}
tab=$(printf '\t')
nl='
'
# json_str TEXT: TEXT as a JSON string; printf where nothing needs escaping (ids,
# selectors, numbers), jq where something does.
json_str() {
    case $1 in
    *[\"\\]* | *"$nl"* | *"$tab"*) jq -cn --arg v "$1" '$v' ;;
    *) printf '"%s"' "$1" ;;
    esac
}
# find CSS: the element id of the first element matching CSS (empty when none).
find() {
    wd_raw POST /element "{\"using\": \"css selector\", \"value\": $(json_str "$1")}" \
        '.value."element-6066-11e4-a52e-4f735466cecf" // empty'
}
click() {
    e=$(find "$1")
    [ -n "$e" ] || { failed=$((failed + 1)); echo "FAIL no element $1 to click"; return 1; }
    wd_do POST "/element/$e/click" '{}'
}
type_into() {
    e=$(find "$1")
    [ -n "$e" ] || { failed=$((failed + 1)); echo "FAIL no element $1 to type into"; return 1; }
    wd_do POST "/element/$e/clear" '{}'
    wd_do POST "/element/$e/value" "{\"text\": $(json_str "$2")}"
}
# script JS [ARGS_JSON]: runs JS in the page; prints its return value as JSON.
script() {
    wd_call POST /execute/sync "$(jq -cn --arg s "$1" --argjson a "${2:-[]}" '{script: $s, args: $a}')"
}
# run_js JS [ARGS_JSON]: runs JS in the page; its return value is not needed.
run_js() {
    wd_do POST /execute/sync "$(jq -cn --arg s "$1" --argjson a "${2:-[]}" '{script: $s, args: $a}')"
}
# text_of CSS: the element's text (what a reader sees), or "" when there is none.
text_js='const e = document.querySelector(arguments[0]); return e ? e.innerText : "";'
text_of() {
    wd_raw POST /execute/sync "$(jq -cn --arg s "$text_js" --arg c "$1" '{script: $s, args: [$c]}')" '.value'
}
# wait_js JS [ARGS_JSON]: waits (at most 60 s: a loaded machine, a sanitizer build)
# until JS returns true in the page. The waiting is done in the page (an
# asynchronous script that tries JS every 20 ms and answers as soon as it holds), in
# one WebDriver call, so the test goes on the moment the page is ready rather than
# at the next tick of a shell loop.
wait_head='const done = arguments[arguments.length - 1];
const args = Array.prototype.slice.call(arguments, 0, -1);
const holds = function () {'
wait_tail='
};
const end = Date.now() + 60000;
(function attempt() {
    let ok = false;
    try { ok = holds.apply(null, args) === true; } catch (e) { ok = false; }
    if (ok || Date.now() > end) done(ok); else setTimeout(attempt, 20);
})();'
wait_js() {
    [ "$(wd_call POST /execute/async "$(jq -cn --arg s "$wait_head$1$wait_tail" --argjson a "${2:-[]}" \
        '{script: $s, args: $a}')")" = true ]
}
# wait_text CSS TEXT: waits (at most 60 s) until the element's text holds TEXT.
wait_text() {
    wait_js 'const e = document.querySelector(arguments[0]); return !!e && e.innerText.includes(arguments[1]);' \
        "$(jq -cn --arg c "$1" --arg t "$2" '[$c, $t]')"
}
screenshot() {
    wd_call GET /screenshot | jq -r '.' | base64 -d > "$shots/$1.png"
}
visits=0
open_page() { # a new query each time, so that the page loads afresh
    visits=$((visits + 1))
    wd_call POST /url "$(jq -cn --arg u "$base/ui/?visit=$visits$1" '{url: $u}')" > /dev/null
}
loaded='return typeof state === "object" && state.rules !== null && state.lastResult !== null;'


caps=$(jq -cn --arg bin "$chromium" --arg profile "$tmp/profile" '{capabilities: {alwaysMatch: {
    browserName: "chrome", "goog:chromeOptions": {binary: $bin, args: ["--headless=new",
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1800",
    "--no-first-run", ("--user-data-dir=" + $profile)]}}}}')
session=$(curl -s -X POST -H 'Content-Type: application/json' "$wd/session" -d "$caps" |
    jq -r '.value.sessionId // empty')
[ -n "$session" ] || fatal "no WebDriver session (is chromium working?)"
# an asynchronous script (wait_js) may run longer than its 60 s in the page
wd_do POST /timeouts '{"script": 90000}'

# ---- the token, typed as a user would ----

open_page '#try'
type_into '#token' "$token"
click '#token-form button'
wait_js "$loaded" || fatal "the page did not load the rules: $(text_of '#status')"
curl -s -H "Authorization: Bearer $token" "$base/v1/schema" > "$tmp/schema.json"
check "the form has a control per base fact" \
    "$(jq '[.groups[].facts[]] | length' "$tmp/schema.json")" \
    "$(script 'return document.querySelectorAll("#groups .fact").length;')"
check "the form's groups are the schema's facts blocks" \
    "$(jq -c '[.groups[].title]' "$tmp/schema.json")" \
    "$(script 'return [...document.querySelectorAll("#groups legend")].filter(l => l.parentNode.classList.contains("group")).map(l => l.textContent);')"
check "every control has a label" "[]" \
    "$(script 'return [...document.querySelectorAll("input, select, textarea")].filter(c =>
        !(c.labels && c.labels.length) && !c.getAttribute("aria-label")).map(c => c.id);')"
check "every fact starts unknown" "0" \
    "$(script 'return Object.keys(clientDocument().facts).length;')"
press_tab() {
    wd_call POST /actions '{"actions": [{"type": "key", "id": "keyboard", "actions": [
        {"type": "keyDown", "value": "\uE004"}, {"type": "keyUp", "value": "\uE004"}]}]}' > /dev/null
}
open_page '#try'
wait_js "$loaded" || fatal "the page did not load again"
press_tab
check "the first Tab reaches the skip link" "Skip to the content" \
    "$(script 'return document.activeElement.textContent;' | jq -r '.')"

# ---- filling the form ----

# fill FACTS_JSON: sets each fact of {"name": value} in the form, as a person would:
# numbers are typed, set members ticked, bool and one-of facts chosen from their
# lists (selected through the page, as chromedriver cannot type into a list reliably).
fill() {
    # each fact's name, type (from the schema) and value, one line each, by one jq
    echo "$1" | jq -r --slurpfile schema "$tmp/schema.json" 'to_entries[] | .key as $k |
        [$k, ([$schema[0].groups[].facts[] | select(.name == $k) | .type][0] // ""),
         (if (.value | type) == "array" then .value | join(" ") else .value | tostring end)] |
        @tsv' > "$tmp/entries"
    while IFS="$tab" read -r name type value; do
        case $type in
        int | number)
            type_into "#f-$name" "$value" ;;
        set_of)
            click "#f-$name--known"
            for m in $value; do click "#f-$name--$m"; done ;;
        *)
            run_js 'const e = document.getElementById(arguments[0]); e.value = arguments[1];
                    e.dispatchEvent(new Event("change", {bubbles: true})); return e.value;' \
                "[$(json_str "f-$name"), $(json_str "$value")]" ;;
        esac
    done < "$tmp/entries"
}

# check_brief NAME CLIENT_FILE: the brief on the page says what `stagewise eval` says.
check_brief() {
    "$bin" eval rules -f "$2" --format json > "$tmp/expected.json" || fatal "eval $2"
    # the form's document is the client's: the same facts, so the same digest
    digest=$(jq -c '[.provenance.facts_sha256]' "$tmp/expected.json")
    wait_js 'return state.lastResult.provenance.facts_sha256 === arguments[0];' "$digest" ||
        check "$1: the page evaluated the client's facts" "$digest" \
            "$(script 'return [state.lastResult.provenance.facts_sha256];')"
    stage=$(jq -r '.stage.suggested' "$tmp/expected.json")
    case $(text_of '#stage-verdict') in
    *"suggested: $stage"*) passed=$((passed + 1)) ;;
    *) check "$1: the stage on the page" "suggested: $stage" "$(text_of '#stage-verdict')" ;;
    esac
    check "$1: risks on the page" "$(jq -c '[.risks[].id] | sort' "$tmp/expected.json")" \
        "$(script 'return [...document.querySelectorAll("#risks li")].map(l => l.dataset.id).sort();')"
    check "$1: recommendations on the page" "$(jq -c '[.recommendations[].id]' "$tmp/expected.json")" \
        "$(script 'return [...document.querySelectorAll("#recommendations li")].map(l => l.dataset.id);')"
    first_gap=$(jq -r '. as $d | [.data_gaps[]] | sort_by(.rank) | .[0].fact // empty | $d.facts[.].name' "$tmp/expected.json")
    if [ -n "$first_gap" ]; then
        check "$1: the first question to ask is highlighted in the form" "Ask next (1)" \
            "$(text_of "#row-$first_gap .ask-note")"
    fi
}

# Client 13 (JSON): every fact typed into the form.
open_page '#try'
wait_js "$loaded" || fatal "the page did not load again"
doc=examples/clients/13-json-client.json
type_into '#f--client' "$(jq -r '.client' "$doc")"
run_js 'const e = document.getElementById("f--assessed_on"); e.value = arguments[0];
        e.dispatchEvent(new Event("change", {bubbles: true}));' "$(jq -c '[.assessed_on]' "$doc")"
fill "$(jq -c '.facts' "$doc")"
check_brief "client 13" "$doc"
# the explanation of the first recommendation, with its values
rule=$(jq -r '.rules[.recommendations[0].reasons[0].rule].id' "$tmp/expected.json")
click '#recommendations li:first-child button'
wait_text '#explanation-body' "$rule" || fatal "no explanation of $rule on the page"
check "client 13: the explanation is of the rule behind the recommendation" "$rule" \
    "$(script 'return document.querySelector("#explanation-body article").dataset.rule;' | jq -r '.')"
check "client 13: the explanation's condition is true, in words" "TRUE" \
    "$(text_of '#explanation-body .tree.root > li > .truth')"
screenshot try-client-13

# Client 01 (YAML): its facts read by the service's own reader, through a decision
# record (the form is filled from the record's input, as written).
doc=examples/clients/01-rough-sleeper-psychosis.yaml
curl -s -D "$tmp/headers" -o /dev/null -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/yaml' --data-binary "@$doc" "$base/v1/evaluate"
decision=$(tr -d '\r' < "$tmp/headers" | sed -n 's/^Stagewise-Decision-Id: //p')
[ -n "$decision" ] || fatal "POST /v1/evaluate gave no decision id"
facts=$(curl -s -H "Authorization: Bearer $token" "$base/v1/decisions/$decision" |
    jq -c '.record.input.facts | with_entries(select(.value != null))')
open_page '#try'
wait_js "$loaded" || fatal "the page did not load again"
run_js 'const e = document.getElementById("f--assessed_on"); e.value = "2026-11-20";
        e.dispatchEvent(new Event("change", {bubbles: true}));'
type_into '#f--client' ex-01
fill "$facts"
check_brief "client 01" "$doc"
# why not CBT?
run_js 'document.getElementById("whynot-target").value = "recommend:cbt";'
click '#whynot-form button'
wait_text '#whynot-answer' 'cbt was not recommended' ||
    check "client 01: why not cbt" "cbt was not recommended..." "$(text_of '#whynot-answer')"
# the keyboard: Enter on a focused "Why?" opens the explanation
press() { # press KEY: one key pressed and released (WebDriver key codes)
    wd_call POST /actions "$(jq -cn --arg k "$1" '{actions: [{type: "key", id: "keyboard",
        actions: [{type: "keyDown", value: $k}, {type: "keyUp", value: $k}]}]}')" > /dev/null
}
run_js 'document.querySelector("#risks li:first-child button").focus();'
press "$(printf '\356\200\207')"    # U+E007, Enter
wait_text '#explanation-subject' "Why:" ||
    check "client 01: Enter on Why? opens the explanation" "Why: ..." "$(text_of '#explanation-subject')"
check "client 01: the explanation has the focus" explanation \
    "$(script 'return document.activeElement.id;' | jq -r '.')"
screenshot try-client-01

# ---- a decision ----

open_page "#decision/$decision"
wait_text '#chain-verdict' 'The chain verifies' ||
    check "the decision's chain" "The chain verifies..." "$(text_of '#chain-verdict')"
check "the decision replays identical" "Replayed against the current rules: identical." \
    "$(text_of '#replay-verdict')"
screenshot decision

# ---- the guidance ----

open_page '#guidance'
wait_text '#guidance-body' 'scenarios loaded' || fatal "the guidance did not show"
check "the guidance by stage: each stage's rules" 4 \
    "$(script 'return document.querySelectorAll("#guidance-body section[id^=stage-]").length;')"
screenshot guidance-by-stage
click '#by-document'
wait_text '#guidance-body' 'Document ' || check "the guidance by document" "Document ..." ""
screenshot guidance-by-document
click '#by-hazard'
wait_text '#guidance-body' 'controlled and evidenced' ||
    check "the hazard log" "... controlled and evidenced ..." "$(text_of '#guidance-body')"
"$bin" coverage rules --hazards --format json > "$tmp/hazards.json"
check "the hazard log on the page has a row per hazard of coverage --hazards" \
    "$(jq '.hazards | length' "$tmp/hazards.json")" \
    "$(script 'return document.querySelectorAll("#hazards-table tr[id^=hazard-]").length;')"
check "the hazard log's summary, in words" \
    "$(jq -r '.summary | "\(.hazards) hazards: \(.evidenced) controlled and evidenced, \(.not_evidenced) not."' "$tmp/hazards.json")" \
    "$(text_of '#hazards-summary')"
first=$(jq -r '.hazards[0].id' "$tmp/hazards.json")
check "a hazard's row names its first control and its status in words" \
    "$(jq -r '.hazards[0] | "\(.controls[0].rule) \(.status)"' "$tmp/hazards.json")" \
    "$(script 'const r = document.getElementById("hazard-" + arguments[0]); return r.querySelector("td a").textContent + " " + r.cells[4].textContent;' "$(jq -cn --arg h "$first" '[$h]')" | jq -r '.')"
screenshot hazard-log
control=$(jq -r '.hazards[0].controls[0].rule' "$tmp/hazards.json")
open_page "#rule/$control"
wait_text '#rule-hazards' "$first" ||
    check "a control's rule page names its hazard" "$first ..." "$(text_of '#view-rule')"
open_page '#rule/food_first'
wait_text '#rule-source' 'rule food_first' ||
    check "a rule's source text" "rule food_first ..." "$(text_of '#rule-source')"
screenshot rule

# ---- 200 % zoom: half the width, the same page, nothing wider than the window ----

wd_call POST /window/rect '{"width": 640, "height": 1000}' > /dev/null
open_page '#try'
wait_js "$loaded" || fatal "the page did not load at 640 pixels"
check "at 200 % zoom nothing is wider than the window" true \
    "$(script 'return document.documentElement.scrollWidth <= window.innerWidth;')"
check "at 200 % zoom the brief goes under the form" true \
    "$(script 'return document.querySelector(".outcome").getBoundingClientRect().top >
                      document.querySelector(".client").getBoundingClientRect().top;')"
screenshot try-narrow

# the server stops cleanly (under the sanitizers: no error, no leak)
kill "$server"
wait "$server"
check "the server stopped cleanly" 0 $?
server=
grep -q 'Sanitizer' "$tmp/server.err" && check "no sanitizer report" "" "$(grep -m3 Sanitizer "$tmp/server.err")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
