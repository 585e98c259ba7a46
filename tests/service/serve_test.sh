#!/bin/sh
# serve_test.sh - integration tests of `stagewise serve` over loopback HTTP.
#
# Usage: tests/service/serve_test.sh STAGEWISE SVC_CLIENT ROOT
#
# Starts the server on a free loopback port (--listen 127.0.0.1:0; the port is read
# from its start-up line) and exercises every endpoint and error path: evaluation
# (the reply is byte for byte `stagewise eval --format json`), CDS Hooks discovery,
# cards and feedback, the rule set endpoint, malformed JSON, unknown facts, wrong
# types, oversize bodies, wrong methods, unknown paths, bearer tokens, hot reload by
# the admin endpoint and by SIGHUP (also a bad reload, and reloads while requests
# run), the request timeout, the decision log, and graceful shutdown with a request
# in flight. Needs curl and jq. Every check prints a line only when it fails; the
# last line is "N passed, M failed", and the exit status is 1 when any failed.

set -u

bin=$1
client=$2
root=$3
cd "$root" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stagewise-serve.XXXXXX") || exit 2
pid=
cleanup() {
    if [ -n "$pid" ]; then kill -KILL "$pid" 2> /dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
LC_ALL=C
export LC_ALL

passed=0
failed=0

# check NAME EXPECTED ACTUAL
check() {
    if [ "$2" = "$3" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
    fi
}

# contains NAME FILE TEXT: FILE holds TEXT
contains() {
    if grep -qF -- "$3" "$2"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s: %s does not hold "%s"\n' "$1" "$2" "$3"
        sed 's/^/  | /' "$2" | head -20
    fi
}

# start_server ARGS...: starts the server in the background; sets pid and port.
start_server() {
    rm -f "$tmp/server.err"
    "$bin" serve "$@" --listen 127.0.0.1:0 2> "$tmp/server.err" &
    pid=$!
    port=
    tries=0
    while [ -z "$port" ] && [ $tries -lt 100 ]; do
        port=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9][0-9]*\) with .*|\1|p' "$tmp/server.err" 2> /dev/null)
        if [ -z "$port" ]; then
            sleep 0.1
        fi
        tries=$((tries + 1))
    done
    if [ -z "$port" ]; then
        echo "FAIL the server did not start:"
        cat "$tmp/server.err"
        exit 1
    fi
}

# stop_server [SIGNAL]: stops it and sets stopped to its exit status; a server that
# has not stopped after 30 seconds is killed (and the check of its status fails).
stop_server() {
    kill "-${1:-TERM}" "$pid"
    await_exit "$pid"
    stopped=$?
    pid=
}

# await_exit PID [SECONDS]: waits for a child at most SECONDS (30); its exit status,
# or 124 when it had to be killed.
await_exit() {
    tries=0
    while kill -0 "$1" 2> /dev/null && [ $tries -lt $((${2:-30} * 10)) ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    if kill -0 "$1" 2> /dev/null; then
        kill -KILL "$1"
        wait "$1"
        return 124
    fi
    wait "$1"
}

# req METHOD PATH [CURL ARGS...]: sets code; the body is in $tmp/body, the headers
# in $tmp/headers.
req() {
    method=$1
    path=$2
    shift 2
    rm -f "$tmp/body" "$tmp/headers"
    if [ "$method" = HEAD ]; then set -- --head "$@"; else set -- -X "$method" "$@"; fi
    code=$(curl -s -m 60 -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' \
        "$@" "http://127.0.0.1:$port$path")
    touch "$tmp/body"
}

field() { # field [-c] FILTER
    if [ "$1" = -c ]; then jq -c "$2" "$tmp/body"; else jq -r "$1" "$tmp/body"; fi
}

# ---- fixtures ----

mkdir -p "$tmp/rules"
cp tests/golden/rules/risk.sw "$tmp/rules/risk.sw"
risk_sha=$("$bin" check "$tmp/rules/risk.sw" | sed -n 's/.*sha256 \([0-9a-f]*\).*/\1/p')

# The first client of the golden risk stream, as YAML and as JSON.
cat > "$tmp/r001.yaml" << 'EOF'
client: R-001
assessed_on: 2026-11-20
facts:
  phq9_item9: 1
  audit: 8
  substances: [opioids, benzodiazepines]
  released_from_prison_on: 2026-11-02
EOF
r001_json='{"client": "R-001", "assessed_on": "2026-11-20", "facts": {"phq9_item9": 1, "audit": 8, "substances": ["opioids", "benzodiazepines"], "released_from_prison_on": "2026-11-02"}}'
printf '%s\n' "$r001_json" > "$tmp/r001.json"
"$bin" eval "$tmp/rules/risk.sw" -f "$tmp/r001.yaml" --format json > "$tmp/r001.expected"

hook() { # hook PLACE: a CDS Hooks request with the client document in PLACE
    case $1 in
    prefetch) printf '{"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/7", "patientId": "P-9"}, "prefetch": {"stagewise": %s}}\n' "$r001_json" ;;
    context) printf '{"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {"userId": "Practitioner/7", "patientId": "P-9", "stagewise": %s}}\n' "$(printf '%s' "$r001_json" | sed 's/"client": "R-001", //')" ;;
    esac
}
hook prefetch > "$tmp/hook.json"
hook context > "$tmp/hook-context.json"

# ---- plain server: evaluation, CDS Hooks, errors ----

start_server "$tmp/rules/risk.sw" --max-body 4096 --feedback-file "$tmp/feedback.jsonl" \
    --log "$tmp/decisions.log" --threads 3
contains "start-up line" "$tmp/server.err" \
    "stagewise serve: golden_risk 0.3.1 (sha256 $risk_sha) on http://127.0.0.1:$port with 3 threads"

req GET /healthz
check "healthz status" 200 "$code"
check "healthz body" '{"status":"ok"}' "$(jq -c . "$tmp/body")"
req HEAD /healthz
check "healthz HEAD" 200 "$code"
check "healthz HEAD has no body" 0 "$(grep -c status "$tmp/body")"
contains "healthz HEAD length" "$tmp/headers" "Content-Length: 21"

req GET /v1/ruleset
check "ruleset status" 200 "$code"
check "ruleset" "golden_risk 0.3.1 $risk_sha 1 4 5" \
    "$(field '"\(.name) \(.version) \(.sha256) \(.generation) \(.counts.rules) \(.counts.facts)"')"

req POST /v1/evaluate --data-binary @"$tmp/r001.yaml"
check "evaluate YAML status" 200 "$code"
if cmp -s "$tmp/body" "$tmp/r001.expected"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL evaluate YAML: not the document of eval --format json"; fi
contains "evaluate content type" "$tmp/headers" "Content-Type: application/json; charset=utf-8"
contains "evaluate decision id" "$tmp/headers" "Stagewise-Decision-Id: "
req POST /v1/evaluate -H 'Content-Type: application/json' --data-binary @"$tmp/r001.json"
check "evaluate JSON status" 200 "$code"
if cmp -s "$tmp/body" "$tmp/r001.expected"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL evaluate JSON: not the document of eval --format json"; fi

req POST /v1/evaluate --data-binary '{"facts": {"phq9_itm9": 1}}'
check "unknown fact" "422 invalid_facts F003 1 12 facts.phq9_itm9 did you mean 'phq9_item9'?" \
    "$code $(field '"\(.error) \(.diagnostics[0].code) \(.diagnostics[0].line) \(.diagnostics[0].column) \(.diagnostics[0].field) \(.diagnostics[0].hint)"')"
req POST /v1/evaluate --data-binary '{"facts": {"audit": "12", "phq9_item9": 9}}'
check "wrong types" "422 invalid_facts F004 F005" \
    "$code $(field '"\(.error) \(.diagnostics[0].code) \(.diagnostics[1].code)"')"
check "wrong types message" "the client document has 2 errors (see diagnostics); nothing was evaluated" \
    "$(field .message)"
req POST /v1/evaluate --data-binary '{"facts": {"audit": 12'
check "malformed facts" "400 malformed_facts F001" \
    "$code $(field '"\(.error) \(.diagnostics[0].code)"')"
req POST /v1/evaluate --data-binary ''
check "empty body" "400 malformed_facts F013" "$code $(field '"\(.error) \(.diagnostics[0].code)"')"

head -c 5000 /dev/zero | tr '\0' ' ' > "$tmp/big"
req POST /v1/evaluate --data-binary @"$tmp/big"
check "oversize body" "413 body_too_large the body is larger than the 4096 byte limit" \
    "$code $(field '"\(.error) \(.message)"')"
req POST /v1/evaluate -H 'Transfer-Encoding: chunked' --data-binary @"$tmp/big"
check "oversize chunked body" "413 body_too_large" "$code $(field .error)"

req GET /v1/evaluate
check "wrong method" "405 method_not_allowed '/v1/evaluate' takes POST, not GET" \
    "$code $(field '"\(.error) \(.message)"')"
contains "wrong method: Allow" "$tmp/headers" "Allow: POST"
req DELETE /v1/ruleset
contains "wrong method on GET: Allow" "$tmp/headers" "Allow: GET, HEAD"
req GET /v2/evaluate
check "unknown path" "404 not_found there is no endpoint at '/v2/evaluate'" \
    "$code $(field '"\(.error) \(.message)"')"
req GET /cds-services/golden_risk/other
check "unknown path under cds-services" "404 not_found" "$code $(field .error)"

# CDS Hooks
req GET /cds-services
check "discovery" "200 patient-view golden_risk Golden tests: risk screening" \
    "$code $(field '.services[0] | "\(.hook) \(.id) \(.title)"')"
req POST /cds-services/golden_risk -H 'Content-Type: application/json' --data-binary @"$tmp/hook.json"
check "cards status" 200 "$code"
check "cards" "Risk (critical): Overdose|Risk (critical): Suicide or self-harm|Today: Take-home naloxone; Same-day risk assessment|Ask about: Alcohol units per week" \
    "$(field '[.cards[].summary] | join("|")')"
check "card indicators" "critical critical critical info" "$(field '[.cards[].indicator] | join(" ")')"
check "card kinds" "risk risk today questions" "$(field '[.cards[].extension["org.stagewise"].kind] | join(" ")')"
decision=$(sed -n 's/^Stagewise-Decision-Id: \([^[:space:]]*\).*/\1/p' "$tmp/headers")
check "card links: the logged decision" "true http://127.0.0.1:$port/ui/#decision/$decision absolute" \
    "$(field '"\([.cards[].links | length == 1] | all) \(.cards[0].links[0].url) \(.cards[0].links[0].type)"')"
check "suggestions: today's actions only" "- - Take-home naloxone,Same-day risk assessment -" \
    "$(field '[.cards[] | if .suggestions then ([.suggestions[].label] | join(",")) else "-" end] | join(" ")')"
check "suggestions: Task proposals, selectionBehavior" "any Task proposal true" \
    "$(field '.cards[2] | "\(.selectionBehavior) \(.suggestions[0].actions[0].resource.resourceType) \(.suggestions[0].actions[0].resource.intent) \(.suggestions[0].isRecommended)"')"
check "card summaries under 140" true "$(field '[.cards[].summary | length < 140] | all')"
check "card uuids" true "$(field '[.cards[].uuid | test("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")] | all')"
check "card uuids distinct" 4 "$(field '[.cards[].uuid] | unique | length')"
check "card source" "Golden tests: risk screening 0.3.1, citing NTA" "$(field '.cards[0].source.label')"
check "cards client from the document" "R-001 $risk_sha" \
    "$(field '.extension["org.stagewise"] | "\(.client) \(.ruleset_sha256)"')"
contains "cards decision id" "$tmp/headers" "Stagewise-Decision-Id: "
cp "$tmp/body" "$tmp/cards-prefetch"
card1=$(field '.cards[0].uuid')
card2=$(field '.cards[1].uuid')
req POST /cds-services/golden_risk --data-binary @"$tmp/hook-context.json"
# the same cards, but for the links: each request is a decision of its own
check "cards from context = from prefetch" "$(jq -c '.cards | map(del(.links))' "$tmp/cards-prefetch")" \
    "$(jq -c '.cards | map(del(.links))' "$tmp/body")"
check "cards client from patientId" "P-9" "$(field '.extension["org.stagewise"].client')"

req POST /cds-services/golden_risk --data-binary '{"hook": "patient-view", "hookInstance": "x", "context": {}}'
check "no facts" "412 no_facts" "$code $(field .error)"
req POST /cds-services/golden_risk --data-binary '{"hook": "patient-view", "hookInstance": "x",'
check "malformed JSON" "400 malformed_json the body is not valid JSON: line 2, column 1: did not find expected node content" \
    "$code $(field '"\(.error) \(.message)"')"
req POST /cds-services/golden_risk --data-binary '{"hook": "patient-view", "context": {}}'
check "no hookInstance" "400 invalid_request" "$code $(field .error)"
req POST /cds-services/golden_risk --data-binary '{"hook": "order-sign", "hookInstance": "x"}'
check "wrong hook" "400 invalid_request this service answers the 'patient-view' hook, not 'order-sign'" \
    "$code $(field '"\(.error) \(.message)"')"
req POST /cds-services/golden_risk --data-binary '[1]'
check "not an object" "400 invalid_request the body must be a JSON object, not an array" \
    "$code $(field '"\(.error) \(.message)"')"
req POST /cds-services/other --data-binary @"$tmp/hook.json"
check "unknown service" "404 unknown_service" "$code $(field .error)"
printf '{"hook": "patient-view",\n "hookInstance": "x",\n "prefetch": {"stagewise": {"facts": {"audit": 99}}}}\n' > "$tmp/hook-bad.json"
req POST /cds-services/golden_risk --data-binary @"$tmp/hook-bad.json"
check "cards facts error" '422 invalid_facts F005 3 48  "prefetch": {"stagewise": {"facts": {"audit": 99}}}}' \
    "$code $(field '"\(.error) \(.diagnostics[0].code) \(.diagnostics[0].line) \(.diagnostics[0].column) \(.diagnostics[0].source_line)"')"

# Feedback
cat > "$tmp/feedback-req.json" << EOF
{"feedback": [
 {"card": "$card1", "outcome": "accepted", "outcomeTimestamp": "2026-11-20T10:00:00Z"},
 {"card": "$card2", "outcome": "overridden", "outcomeTimestamp": "2026-11-20T10:01:00Z",
  "overrideReason": {"reason": {"system": "urn:stagewise:override-reason", "code": "already-done"},
                     "userComment": "seen by the crisis team"}}]}
EOF
req POST /cds-services/golden_risk/feedback --data-binary @"$tmp/feedback-req.json"
check "feedback" '200 {"recorded":2}' "$code $(jq -c . "$tmp/body")"
check "feedback file" "accepted $card1|overridden $card2 already-done" \
    "$(jq -r 'if .outcome == "accepted" then "accepted \(.card)" else "overridden \(.card) \(.overrideReason.code)" end' "$tmp/feedback.jsonl" | paste -sd '|' -)"
req GET /v1/ruleset
check "feedback counts" "1 1" "$(field '"\(.feedback.accepted) \(.feedback.overridden)"')"
req POST /cds-services/golden_risk/feedback --data-binary '{"feedback": [{"card": "x", "outcome": "accepted"}]}'
check "bad feedback" "400 invalid_feedback feedback[0].card must be the uuid of a card" \
    "$code $(field '"\(.error) \(.message)"')"
req GET /cds-services/golden_risk/feedback
check "feedback wrong method" 405 "$code"

stop_server TERM
check "stopped by SIGTERM" 0 "$stopped"
contains "stop message" "$tmp/server.err" "stagewise serve: SIGTERM: stopping"
"$bin" audit verify "$tmp/decisions.log" > "$tmp/verify.out" 2>&1
check "decision log intact" 0 $?
contains "decision log records" "$tmp/verify.out" "intact: 4 records"

# ---- authentication and reload ----

printf '# test token\nsecret-token-0123456789abcdef\n' > "$tmp/tokens"
chmod 600 "$tmp/tokens"
auth='Authorization: Bearer secret-token-0123456789abcdef'
start_server "$tmp/rules/risk.sw" --token-file "$tmp/tokens" --threads 4

req GET /v1/ruleset
check "no token" "401 unauthorized" "$code $(field .error)"
contains "no token: WWW-Authenticate" "$tmp/headers" 'WWW-Authenticate: Bearer realm="stagewise"'
req GET /v1/ruleset -H 'Authorization: Bearer secret-token-0123456789abcdeX'
check "wrong token" 401 "$code"
req GET /v1/ruleset -H 'Authorization: Basic c2VjcmV0'
check "wrong scheme" 401 "$code"
req GET /nowhere
check "unknown path without token" 401 "$code"
req POST /v1/evaluate --data-binary @"$tmp/r001.yaml"
check "evaluate without token" 401 "$code"
req GET /healthz
check "healthz needs no token" 200 "$code"
req GET /v1/ruleset -H "$auth"
check "right token" "200 1" "$code $(field .generation)"
req POST /v1/admin/reload
check "reload without token" 401 "$code"

sed 's/version "0.3.1"/version "0.4.0"/' tests/golden/rules/risk.sw > "$tmp/risk-0.4.0.sw"
cp "$tmp/risk-0.4.0.sw" "$tmp/rules/risk.sw"
sha_040=$("$bin" check "$tmp/rules/risk.sw" | sed -n 's/.*sha256 \([0-9a-f]*\).*/\1/p')
req POST /v1/admin/reload -H "$auth"
check "admin reload" "200 true 0.4.0 2 $sha_040" \
    "$code $(field '"\(.reloaded) \(.ruleset.version) \(.ruleset.generation) \(.ruleset.sha256)"')"
req GET /v1/ruleset -H "$auth"
check "reloaded rules serve" "0.4.0 2" "$(field '"\(.version) \(.generation)"')"

printf 'rule broken "Broken" cites NTA\nwhen phq10 >= 1\nthen risk suicide\nend\n' >> "$tmp/rules/risk.sw"
req POST /v1/admin/reload -H "$auth"
check "bad reload refused" "422 rules_invalid E101 the rules were not reloaded (the rules have errors); still serving golden_risk 0.4.0, sha256 $sha_040, generation 2" \
    "$code $(field '"\(.error) \(.diagnostics[0].code) \(.message)"')"
contains "bad reload on stderr" "$tmp/server.err" "error[E101]: unknown fact 'phq10'"
contains "bad reload line on stderr" "$tmp/server.err" "stagewise serve: reload rejected"
req POST /v1/evaluate -H "$auth" --data-binary @"$tmp/r001.yaml"
check "old rules keep serving" "200 0.4.0" "$code $(field .provenance.guideline_version)"

# SIGHUP
sed 's/version "0.3.1"/version "0.5.0"/' tests/golden/rules/risk.sw > "$tmp/rules/risk.sw"
kill -HUP "$pid"
tries=0
generation=
while [ "$generation" != 3 ] && [ $tries -lt 50 ]; do
    sleep 0.1
    req GET /v1/ruleset -H "$auth"
    generation=$(field .generation)
    tries=$((tries + 1))
done
check "SIGHUP reload" "3 0.5.0" "$generation $(field .version)"

# Reloads, good and bad, by SIGHUP and by the admin endpoint, while 3000 requests run:
# every request must be answered whole, by one of the good rule sets.
mkdir -p "$tmp/variants"
for v in 1 2; do
    sed "s/version \"0.3.1\"/version \"0.6.$v\"/" tests/golden/rules/risk.sw > "$tmp/variants/risk.$v"
done
cp "$tmp/variants/risk.1" "$tmp/variants/risk.bad"
printf 'rule broken "Broken" cites NTA\nwhen phq10 >= 1\nthen risk suicide\nend\n' >> "$tmp/variants/risk.bad"
good_shas=$(for v in 1 2; do cp "$tmp/variants/risk.$v" "$tmp/rules/risk.sw" && "$bin" check "$tmp/rules/risk.sw" | sed -n 's/.*sha256 \([0-9a-f]*\).*/\1/p'; done)
sha_050=$(sed 's/version "0.3.1"/version "0.5.0"/' tests/golden/rules/risk.sw > "$tmp/x.sw" && cp "$tmp/x.sw" "$tmp/rules/risk.sw" && "$bin" check "$tmp/rules/risk.sw" | sed -n 's/.*sha256 \([0-9a-f]*\).*/\1/p')
"$client" load "$port" /v1/evaluate "$tmp/r001.json" 3000 4 --token secret-token-0123456789abcdef \
    --contains '"format": "stagewise-result"' --count-key ruleset_sha256 > "$tmp/load.out" 2> "$tmp/load.err" &
load_pid=$!
for round in 1 2 3 4; do
    for variant in 1 bad 2; do
        cp "$tmp/variants/risk.$variant" "$tmp/rules/risk.new" && mv "$tmp/rules/risk.new" "$tmp/rules/risk.sw"
        if [ $((round % 2)) -eq 0 ]; then
            kill -HUP "$pid"
        else
            curl -s -o /dev/null -X POST -H "$auth" "http://127.0.0.1:$port/v1/admin/reload"
        fi
        sleep 0.1
    done
done
await_exit "$load_pid" 600
check "requests during reloads all answered" 0 $?
cat "$tmp/load.err"
check "requests during reloads" "requests 3000 ok 3000 failed 0" "$(head -1 "$tmp/load.out" | cut -d' ' -f1-6)"
unexpected=$(sed -n 's/^ruleset_sha256 \([^ ]*\) .*/\1/p' "$tmp/load.out" | while read -r sha; do
    case " $sha_050 $(echo $good_shas) " in *" $sha "*) ;; *) echo "$sha" ;; esac
done)
check "requests saw only good rule sets" "" "$unexpected"
contains "reloads logged" "$tmp/server.err" "stagewise serve: reloaded golden_risk 0.6.2"

stop_server INT
check "stopped by SIGINT" 0 "$stopped"
contains "SIGINT message" "$tmp/server.err" "stagewise serve: SIGINT: stopping"

# ---- graceful shutdown with a request in flight; request timeout ----

cp tests/golden/rules/risk.sw "$tmp/rules/risk.sw"
start_server "$tmp/rules/risk.sw" --timeout 5
"$client" slow "$port" /v1/evaluate "$tmp/r001.json" 1500 > "$tmp/slow.out" &
slow_pid=$!
tries=0
while ! grep -q half-sent "$tmp/slow.out" 2> /dev/null && [ $tries -lt 100 ]; do
    sleep 0.05
    tries=$((tries + 1))
done
kill -TERM "$pid"
sleep 0.3
check "no new connections while stopping" 000 \
    "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")"
await_exit "$slow_pid"
check "request in flight finished" 0 $?
check "request in flight answered" "status 200" "$(sed -n 2p "$tmp/slow.out")"
contains "request in flight answered whole" "$tmp/slow.out" '"format": "stagewise-result"'
await_exit "$pid"
check "graceful exit" 0 $?
pid=
contains "served count" "$tmp/server.err" "stagewise serve: stopped after 1 request"

start_server "$tmp/rules/risk.sw" --timeout 1
"$client" slow "$port" /v1/evaluate "$tmp/r001.json" 2500 --expect 0 > "$tmp/slow.out"
check "request timeout closes the connection" 0 $?
check "request timeout: no reply" closed "$(sed -n 2p "$tmp/slow.out" | cut -d' ' -f1)"
req GET /healthz
check "server still answers after a timeout" 200 "$code"
stop_server TERM

# ---- the workbench's endpoints (docs/workbench.md) ----

start_server rules --token-file "$tmp/tokens" --log "$tmp/wb.log" --scenarios rules/tests
ex01=examples/clients/01-rough-sleeper-psychosis.yaml
req GET /ui/
check "workbench page without a token" 200 "$code"
contains "workbench page: HTML" "$tmp/headers" "Content-Type: text/html; charset=utf-8"
contains "workbench page: CSP" "$tmp/headers" "Content-Security-Policy: default-src 'self'"
cmp -s "$tmp/body" service/ui/index.html
check "workbench page is service/ui/index.html as written" 0 $?
req GET /ui
check "workbench page without the slash" 200 "$code"
req GET /ui/app.js
contains "workbench script: JavaScript" "$tmp/headers" "Content-Type: text/javascript; charset=utf-8"
cmp -s "$tmp/body" service/ui/app.js
check "workbench script is service/ui/app.js" 0 $?
req GET /ui/app.css
contains "workbench style: CSS" "$tmp/headers" "Content-Type: text/css; charset=utf-8"
req GET /ui/secrets.txt
check "workbench: unknown file" "404 not_found" "$code $(field .error)"
req GET /ui/sub/app.js
check "workbench: no subfolders" 401 "$code"
req GET /v1/schema
check "schema needs the token" 401 "$code"
req GET /v1/rules
check "rules need the token" 401 "$code"
req POST /v1/try --data-binary @"$ex01"
check "try needs the token" 401 "$code"
req GET /v1/decisions/x
check "decisions need the token" 401 "$code"
req GET /v1/hazards
check "the hazard log needs the token" 401 "$code"
req GET /v1/hazards -H "$auth"
check "no hazard log without --hazards" "404 no_hazard_log" "$code $(field .error)"

req GET /v1/ruleset -H "$auth"
nfacts=$(field '.counts.facts + .counts.derived')
nrules=$(field .counts.rules)
req GET /v1/schema -H "$auth"
check "schema" "200 stagewise-schema" "$code $(field .format)"
check "schema: the first facts block and its heading" "Stage and treatment journey stage stage" \
    "$(field '.groups[0] | .title + " " + .facts[0].name + " " + .facts[0].type')"
check "schema: a range" "1 8" "$(field '.groups[].facts[] | select(.name == "sats_level") | "\(.min) \(.max)"')"
check "schema: an enumeration" "none irregular regular" \
    "$(field '[.groups[].facts[] | select(.name == "keyworker_contact") | .members[]] | join(" ")')"
check "schema: every base and derived fact" "$nfacts" "$(field '[.groups[].facts[]] + .derived | length')"
check "schema: statements with their excuses" "true" "$(field '[.sources[].statements[] | select(.excused != null)] | length > 0')"

req GET /v1/rules -H "$auth"
check "rules" "200 $nrules" "$code $(field '.rules | length')"
check "rules: source text" "rule build_alliance" \
    "$(field '.rules[] | select(.id == "build_alliance") | .text' | head -c 19)"
check "rules: a rule that can fire at one stage" '["engagement"]' \
    "$(field -c '.rules[] | select(.id == "build_alliance") | .stages')"
check "rules: a risk rule fires at every stage" 4 \
    "$(field '.rules[] | select(.id == "injecting_bbv_untested") | .stages | length')"
check "rules: scenarios read" true "$(field '.scenarios > 100')"
check "rules: the scenarios that fire a rule" true \
    "$(field '[.rules[] | select(.id == "build_alliance") | .scenarios[] | select(.fired)] | length > 0')"
check "rules: metadata and citations" "testing DD" \
    "$(field '.rules[] | select(.id == "build_alliance") | .status + " " + .citations[0].source')"

req POST /v1/try -H "$auth" --data-binary @"$ex01"
check "try" 200 "$code"
"$bin" eval rules -f "$ex01" --format json | jq -S . > "$tmp/ex01.expected"
jq -S .result "$tmp/body" > "$tmp/ex01.actual"
cmp -s "$tmp/ex01.expected" "$tmp/ex01.actual"
check "try: the result is eval's" 0 $?
"$bin" eval rules -f "$ex01" > "$tmp/ex01.brief"
jq -j .brief "$tmp/body" > "$tmp/ex01.brief.actual"
cmp -s "$tmp/ex01.brief" "$tmp/ex01.brief.actual"
check "try: the brief is eval's" 0 $?
check "try: nothing logged" 0 "$(wc -l < "$tmp/wb.log" 2> /dev/null || echo 0)"

req POST /v1/explain/build_alliance -H "$auth" --data-binary @"$ex01"
"$bin" explain rules -f "$ex01" --rule build_alliance --format json > "$tmp/explain.expected"
cmp -s "$tmp/explain.expected" "$tmp/body"
check "explain a rule: explain's document" "200 0" "$code $?"
req POST /v1/explain -H "$auth" --data-binary @"$ex01"
check "explain the rules that fired" "200 $(jq .summary.rules_fired "$tmp/ex01.expected")" "$code $(field '.rules | length')"
req POST /v1/explain/no_such_rule -H "$auth" --data-binary @"$ex01"
check "explain an unknown rule" "404 unknown_question" "$code $(field .error)"
req POST /v1/why-not/recommend:cbt -H "$auth" --data-binary @"$ex01"
"$bin" explain rules -f "$ex01" --why-not recommend:cbt --format json > "$tmp/whynot.expected"
cmp -s "$tmp/whynot.expected" "$tmp/body"
check "why not: explain's document" "200 0" "$code $?"
req POST /v1/why-not/recommend:cbtt -H "$auth" --data-binary @"$ex01"
check "why not an unknown outcome" "404 unknown_question" "$code $(field .error)"
req POST /v1/explain/build_alliance -H "$auth" --data-binary '{"facts": {"stage": "nowhere"}}'
check "explain with bad facts" "422 invalid_facts" "$code $(field .error)"

req POST /v1/evaluate -H "$auth" --data-binary @"$ex01"
id=$(tr -d '\r' < "$tmp/headers" | sed -n 's/^Stagewise-Decision-Id: //p')
req POST /v1/evaluate -H "$auth" --data-binary @examples/clients/13-json-client.json
req GET "/v1/decisions/$id" -H "$auth"
check "a decision" "200 $id 1" "$code $(field .record.decision_id) $(field .line)"
check "a decision: its chain" "intact true" "$(field '.chain.state + " " + (.chain.decision_verified | tostring)')"
check "a decision: replayed" "identical true 0" \
    "$(field '.replay.state + " " + (.replay.hash_ok | tostring) + " " + (.replay.differences | length | tostring)')"
req GET /v1/decisions/00000000-0000-4000-8000-000000000000 -H "$auth"
check "an unknown decision" "404 unknown_decision" "$code $(field .error)"
req GET '/v1/decisions/a%22b' -H "$auth"
check "a decision id with a quote" "400 invalid_request" "$code $(field .error)"
sed -i '1s/"housing":"rough_sleeping"/"housing":"stable"/' "$tmp/wb.log"
req GET "/v1/decisions/$id" -H "$auth"
check "an altered decision: the chain" "altered false" "$(field '.chain.state + " " + (.chain.decision_verified | tostring)')"
check "an altered decision: not replayed" "the facts have errors" "$(field '.replay.error')"
stop_server TERM
start_server rules --token-file "$tmp/tokens"
req GET "/v1/decisions/$id" -H "$auth"
check "decisions without a log" "404 no_decision_log" "$code $(field .error)"
stop_server TERM

# ---- FHIR prefetch: the shipped rules' mappings ----

today=$(date -u +%Y-%m-%d)
earlier=$(date -u -d '-3 days' +%Y-%m-%d 2> /dev/null || date -u -v-3d +%Y-%m-%d)
obs() { # obs ID LOINC DATE VALUE: one searchset entry
    printf '{"resource": {"resourceType": "Observation", "id": "%s", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "%s"}]}, "subject": {"reference": "Patient/P-9"}, "effectiveDateTime": "%sT10:00:00Z", %s}}' "$1" "$2" "$3" "$4"
}
cat > "$tmp/hook-fhir.json" << EOF
{"hook": "patient-view", "hookInstance": "6d3f0a0e-4f55-4b1c-9a1e-1f1f0c6a2b10",
 "context": {"userId": "Practitioner/7", "patientId": "P-9"},
 "prefetch": {
  "patient": {"resourceType": "Patient", "id": "P-9"},
  "observations": {"resourceType": "Bundle", "type": "searchset", "entry": [
   $(obs phq9-old 44261-6 "$earlier" '"valueInteger": 4'),
   $(obs phq9-new 44261-6 "$today" '"valueQuantity": {"value": 16, "unit": "{score}", "system": "http://unitsofmeasure.org", "code": "{score}"}'),
   $(obs item9 44260-8 "$today" '"valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA6569-3"}]}'),
   $(obs gad7 70274-6 "$today" '"valueInteger": 30')
  ]},
  "questionnaireResponses": null}}
EOF
start_server rules --log "$tmp/fhir-decisions.log"
req GET /cds-services
check "discovery prefetch templates" \
    "Observation?patient={{context.patientId}}&code=http://loinc.org|75624-7,http://loinc.org|75626-2,http://loinc.org|70274-6,http://loinc.org|44261-6,http://loinc.org|44260-8" \
    "$(field '.services[0].prefetch.observations')"
check "discovery prefetch conditions" \
    "Condition?patient={{context.patientId}}&code=http://snomed.info/sct|73211009,http://snomed.info/sct|44054006,http://snomed.info/sct|86406008,http://snomed.info/sct|165816005,http://snomed.info/sct|235856003,http://snomed.info/sct|41309000,http://snomed.info/sct|19943007" \
    "$(field '.services[0].prefetch.conditions')"
check "discovery prefetch keys" conditions,observations "$(field '.services[0].prefetch | keys | join(",")')"
req POST /cds-services/dual_diagnosis --data-binary @"$tmp/hook-fhir.json"
check "FHIR cards status" 200 "$code"
check "FHIR cards: item 9 from its coded answer" true \
    "$(field '[.cards[].summary] | any(test("item 9"))')"
check "FHIR cards: the latest PHQ-9 (16)" true \
    "$(field '[.cards[].summary] | any(test("PHQ-9 15-19"))')"
check "FHIR mapping error" "F109 warning prefetch.observations.entry[3].resource.valueInteger" \
    "$(field '.extension["org.stagewise"].errors[0] | "\(.code) \(.severity) \(.path)"')"
check "FHIR mapping error names the resource" true \
    "$(field '.extension["org.stagewise"].errors[0].message | startswith("Observation/gad7: 30 is outside the range")')"
check "FHIR client from patientId" P-9 "$(field '.extension["org.stagewise"].client')"
req POST /cds-services/dual_diagnosis --data-binary '{"hook": "patient-view", "hookInstance": "x", "prefetch": {"observations": {"resourceType": "Bundle", "type": "searchset"}}}'
check "FHIR empty searchset: cards, no errors" "200 null" "$code $(field '.extension["org.stagewise"].errors')"
# A client document and FHIR prefetch in one request: merged (sw_facts_merge). The
# document's PHQ-9 (12) wins over the record's latest (16), told as F114 with the
# resource and path; GAD-7, which the document does not give, comes from FHIR.
merged_doc='{"client": "P-9", "assessed_on": "'"$today"'", "facts": {"stage": "engagement", "phq9": 12}}'
sed "s|\"questionnaireResponses\": null|\"questionnaireResponses\": null, \"stagewise\": $merged_doc|; s|\"valueInteger\": 30|\"valueInteger\": 11|" \
    "$tmp/hook-fhir.json" > "$tmp/hook-merged.json"
req POST /cds-services/dual_diagnosis --data-binary @"$tmp/hook-merged.json"
check "merged request status" 200 "$code"
check "merged request: the conflict in errors" \
    "F114 warning prefetch.observations.entry[1].resource.valueQuantity.value" \
    "$(field '.extension["org.stagewise"].errors | map(select(.code == "F114"))[0] | "\(.code) \(.severity) \(.path)"')"
check "merged request: the conflict names both values and the resource" true \
    "$(field '.extension["org.stagewise"].errors | map(select(.code == "F114"))[0].message | startswith("'"'"'phq9'"'"' is 12 in the facts document but 16 in Observation/phq9-new")')"
check "merged request: one conflict, no stray-resource warning for the document" "1 0" \
    "$(field '.extension["org.stagewise"].errors | "\(map(select(.code == "F114")) | length) \(map(select(.code == "F102")) | length)"')"
check "merged request: the document's PHQ-9 is evaluated" "true false" \
    "$(field '[.cards[].summary] | "\(any(test("PHQ-9 10-14"))) \(any(test("PHQ-9 15-19")))"')"
check "merged request: GAD-7 from FHIR" true "$(field '[.cards[] | .summary, .detail] | any(test("GAD-7"))')"
merged_ctx=$(jq -c --argjson d "$merged_doc" '.context.stagewise = $d' "$tmp/hook-fhir.json")
req POST /cds-services/dual_diagnosis --data-binary "$merged_ctx"
check "merged request, document in context: the conflict" "200 F114" \
    "$code $(field '.extension["org.stagewise"].errors | map(select(.code == "F114"))[0].code')"
stop_server TERM
"$bin" replay "$tmp/fhir-decisions.log" --rules rules > "$tmp/replay.out" 2>&1
check "FHIR decisions replay with the mapped and merged facts" "0 4" "$? $(grep -c identical "$tmp/replay.out")"
check "the merged decision records the document's PHQ-9 and FHIR's GAD-7" "12 11" \
    "$(sed -n 3p "$tmp/fhir-decisions.log" | jq -r '"\(.input.facts.phq9) \(.input.facts.gad7)"')"

# ---- start-up errors ----

"$bin" serve "$tmp/rules/risk.sw" --listen 127.0.0.1:0 --token-file "$tmp/none" > /dev/null 2> "$tmp/err"
check "missing token file" 5 $?
check "missing token file message" "stagewise: cannot read '$tmp/none': No such file or directory" "$(cat "$tmp/err")"
start_server "$tmp/rules/risk.sw"
"$bin" serve "$tmp/rules/risk.sw" --listen "127.0.0.1:$port" > /dev/null 2> "$tmp/err" &
await_exit $!
check "port in use" "5 stagewise: cannot listen on 127.0.0.1:$port: Address already in use" "$? $(cat "$tmp/err")"
stop_server TERM

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
