#!/bin/sh
# store_test.sh - the decision store against a real PostgreSQL (docs/audit.md).
#
# Usage: tests/store/store_test.sh STAGEWISE ROOT
#
# Makes a throw-away cluster in a temporary directory (initdb as an unprivileged
# user when run as root), serves it on a unix socket there with a random port,
# then: store init, store migrate twice (and from schema version 1), eval --store for every example client,
# audit verify (intact), replay (identical), and tampering through psql: an
# altered record, a removed one, two swapped, the last removed (truncated, found
# with --expect-head as in the file log); two serve --store instances, one killed
# under load; CDS Hooks cards and feedback into the store's feedback chain (altered
# and removed feedback found); the workbench's decision page read from the store.
# Exit 77 (skipped) without initdb/pg_ctl.
set -u
sw=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "${2:?usage: store_test.sh STAGEWISE ROOT}" && pwd)

bin=
for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && bin=$d
done
if [ -z "$bin" ]; then
    echo "store: skipped: initdb and pg_ctl not found under /usr/lib/postgresql/*/bin"
    exit 77
fi
psql_bin=$bin/psql
[ -x "$psql_bin" ] || psql_bin=$(command -v psql) || { echo "store: skipped: no psql"; exit 77; }

tmp=$(mktemp -d /tmp/sw_store.XXXXXX)
as=""
if [ "$(id -u)" = 0 ]; then
    if id postgres >/dev/null 2>&1; then user=postgres; else user=nobody; fi
    chown "$user" "$tmp"
    as="runuser -u $user --"
fi
port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000))
pid_a=; pid_b=
stop() {
    for p in $pid_a $pid_b; do kill -9 "$p" 2>/dev/null; done
    $as "$bin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$tmp"
}
trap stop EXIT INT TERM

fail() { echo "store: FAIL: $*"; exit 1; }

$as "$bin/initdb" -D "$tmp/data" -U sw -A trust --no-sync >"$tmp/initdb.log" 2>&1 ||
    { cat "$tmp/initdb.log"; fail "initdb"; }
$as "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/pg.log" -w \
    -o "-k $tmp -h '' -p $port -F" start >/dev/null 2>&1 || { cat "$tmp/pg.log"; fail "pg_ctl start"; }

url="postgresql://sw:secret@/postgres?host=$tmp&port=$port"
sql() { "$psql_bin" -X -q -t -A "postgresql://sw@/postgres?host=$tmp&port=$port" -c "$1"; }
out=$tmp/out
mkdir -p "$out" && chmod 777 "$out"

"$sw" store init "$url" >"$out/init" 2>&1 || { cat "$out/init"; fail "store init"; }
grep -q "created the decision store, schema version 2" "$out/init" || { cat "$out/init"; fail "store init output"; }
grep -q secret "$out/init" && fail "store init printed the password"
for i in 1 2; do
    "$sw" store migrate "$url" >"$out/migrate" 2>&1 || { cat "$out/migrate"; fail "store migrate $i"; }
    grep -q "up to date; nothing changed" "$out/migrate" || { cat "$out/migrate"; fail "migrate $i not idempotent"; }
done

n=0
for client in "$root"/examples/clients/*.yaml; do
    "$sw" eval "$root/rules" -f "$client" --store "$url" --timestamp 2026-01-01T00:00:00Z \
        --decision-id "client-$n" >/dev/null 2>"$out/eval.err" || { cat "$out/eval.err"; fail "eval --store $client"; }
    n=$((n + 1))
done
[ "$(sql 'SELECT count(*) FROM decisions')" = "$n" ] || fail "expected $n rows"

"$sw" audit verify "$url" >"$out/verify" 2>&1 || { cat "$out/verify"; fail "verify of an intact store"; }
grep -q "intact: $n records, all intact" "$out/verify" || { cat "$out/verify"; fail "verify output"; }
grep -q secret "$out/verify" && fail "verify printed the password"
head=$(sed -n "1s/.*head //p" "$out/verify")

# the same records in a file log verify and replay the same way
sql 'SELECT record FROM decisions ORDER BY seq' >"$out/log.jsonl"
"$sw" audit verify "$out/log.jsonl" | grep -q "intact: $n records, all intact; head $head" ||
    fail "the store's records as a file do not verify the same"
"$sw" replay "$url" --rules "$root/rules" >"$out/replay" 2>&1 || { cat "$out/replay"; fail "replay from the store"; }
[ "$(grep -c ': identical$' "$out/replay")" = "$n" ] || { cat "$out/replay"; fail "replay not identical"; }
"$sw" replay "$out/log.jsonl" --rules "$root/rules" | sed 's/^[^:]*:/X:/' >"$out/replay.file"
sed 's/^.*port=[0-9]*:/X:/' "$out/replay" | cmp -s - "$out/replay.file" || fail "replay from the store differs from the file's"

# a failed insert: eval exits non-zero and says so
sql "ALTER TABLE decisions ADD CONSTRAINT no_more CHECK (seq <= $n)"
if "$sw" eval "$root/rules" -f "$root/examples/clients/01-rough-sleeper-psychosis.yaml" \
    --store "$url" >/dev/null 2>"$out/eval.err"; then fail "eval succeeded although the insert failed"; fi
grep -q "A030.*nothing was recorded" "$out/eval.err" || { cat "$out/eval.err"; fail "eval's message on a failed insert"; }
sql "ALTER TABLE decisions DROP CONSTRAINT no_more"
[ "$(sql 'SELECT count(*) FROM decisions')" = "$n" ] || fail "a failed insert left a row"

# an unreachable store: a clear message without the password
if "$sw" eval "$root/rules" -f "$root/examples/clients/01-rough-sleeper-psychosis.yaml" \
    --store "postgresql://sw:secret@/postgres?host=$tmp&port=1" >/dev/null 2>"$out/eval.err"; then
    fail "eval succeeded without a store"
fi
grep -q "cannot connect to the decision store" "$out/eval.err" || { cat "$out/eval.err"; fail "message without a store"; }
grep -q secret "$out/eval.err" && fail "the password was printed"

expect() { # VERDICT: audit verify says it (exit 7)
    "$sw" audit verify "$url" ${2:-} >"$out/verify" 2>&1
    status=$?
    [ $status = 7 ] && grep -q ": $1 at line" "$out/verify" || { cat "$out/verify"; fail "expected $1 (exit $status)"; }
}
sql "CREATE TABLE saved AS SELECT * FROM decisions"
restore() { sql "DELETE FROM decisions; INSERT INTO decisions SELECT * FROM saved"; }

sql "UPDATE decisions SET record = replace(record, 'client-2', 'client-X') WHERE seq = 3"
expect altered; restore
sql "DELETE FROM decisions WHERE seq = 4"
expect removed; restore
sql "UPDATE decisions d SET record = s.record FROM saved s WHERE (d.seq = 3 AND s.seq = 5) OR (d.seq = 5 AND s.seq = 3)"
expect reordered; restore
sql "DELETE FROM decisions WHERE seq = $n"
"$sw" audit verify "$url" >/dev/null || fail "without --expect-head a shorter store is intact, as a file log"
expect truncated "--expect-head $head"; restore
"$sw" audit verify "$url" --expect-head "$head" >/dev/null || fail "restored store does not verify"

# store migrate from schema version 1 (the tables as the first release made them,
# holding its records): version 2 finds every decision by its id, and the chain
# still verifies.
sql "CREATE DATABASE v1"
v1="postgresql://sw:secret@/v1?host=$tmp&port=$port"
v1sql() { "$psql_bin" -X -q -t -A "postgresql://sw@/v1?host=$tmp&port=$port" -c "$1"; }
v1sql "CREATE TABLE schema_version (version integer NOT NULL); INSERT INTO schema_version VALUES (1);
  CREATE TABLE decisions (seq bigint PRIMARY KEY, hash text NOT NULL UNIQUE, prev text NOT NULL,
    record text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE feedback (id bigserial PRIMARY KEY, decision_hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(), body text NOT NULL);"
"$psql_bin" -X -q "postgresql://sw@/postgres?host=$tmp&port=$port" \
    -c "COPY (SELECT seq, hash, prev, record FROM decisions ORDER BY seq) TO STDOUT" |
    "$psql_bin" -X -q "postgresql://sw@/v1?host=$tmp&port=$port" -c "COPY decisions (seq, hash, prev, record) FROM STDIN"
[ "$(v1sql 'SELECT count(*) FROM decisions')" = "$n" ] || fail "the version 1 store was not filled"
"$sw" store migrate "$v1" >"$out/migrate" 2>&1 || { cat "$out/migrate"; fail "store migrate from version 1"; }
grep -q "1 to 2" "$out/migrate" || { cat "$out/migrate"; fail "migrate from version 1 said: $(cat "$out/migrate")"; }
[ "$(v1sql 'SELECT max(version) FROM schema_version')" = 2 ] || fail "schema version after migrate"
[ "$(v1sql 'SELECT count(*) FROM decisions WHERE decision_id IS NULL')" = 0 ] || fail "migrate left decisions without an id"
[ "$(v1sql "SELECT decision_id FROM decisions WHERE seq = 1")" = client-0 ] || fail "migrate gave the wrong decision id"
"$sw" audit verify "$v1" --expect-head "$head" >"$out/verify" 2>&1 || { cat "$out/verify"; fail "verify after migrate"; }
"$sw" store migrate "$v1" >"$out/migrate" 2>&1 && grep -q "up to date; nothing changed" "$out/migrate" ||
    { cat "$out/migrate"; fail "a second migrate changed something"; }

# serve --store: two instances on one store, one killed with SIGKILL under load.
# Every decision acknowledged (200 with a Stagewise-Decision-Id) must be in the
# store, none twice, and the chain must stay intact (one seq after another, each
# chained to the one before: no interleaving).
start_serve() { # NAME: starts an instance; sets pid_NAME and port_NAME
    "$sw" serve "$root/rules" --store "$url" --listen 127.0.0.1:0 2>"$out/$1.err" &
    eval "pid_$1=$!"
    p=; tries=0
    while [ -z "$p" ] && [ $tries -lt 100 ]; do
        p=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9][0-9]*\) with .*|\1|p' "$out/$1.err")
        [ -n "$p" ] || sleep 0.1
        tries=$((tries + 1))
    done
    [ -n "$p" ] || { cat "$out/$1.err"; fail "serve --store $1 did not start"; }
    eval "port_$1=$p"
}
load() { # NAME PORT COUNT: POSTs COUNT evaluations; acknowledged ids go to ack.NAME
    : >"$out/ack.$1"
    i=0
    for i in $(seq "$3"); do
        code=$(curl -s -m 10 -o /dev/null -D "$out/h.$1" -w '%{http_code}' \
            --data-binary @"$root/examples/clients/02-methadone-poor-adherence.yaml" \
            "http://127.0.0.1:$2/v1/evaluate") || true
        [ "$code" = 200 ] && sed -n 's/^Stagewise-Decision-Id: \([^[:space:]]*\).*/\1/p' "$out/h.$1" >>"$out/ack.$1"
    done
}
start_serve a
start_serve b
load a "$port_a" 100 & load_a=$!
load b "$port_b" 100 & load_b=$!
sleep 1
kill -9 "$pid_a"
wait "$load_a" "$load_b"
wait "$pid_a" 2>/dev/null
acked=$(cat "$out/ack.a" "$out/ack.b" | wc -l)
[ "$(wc -l <"$out/ack.b")" = 100 ] || fail "the surviving instance did not answer every request ($(wc -l <"$out/ack.b") of 100)"
sql 'SELECT record FROM decisions' | sed -n 's/.*"decision_id":"\([^"]*\)".*/\1/p' | sort >"$out/stored"
[ -z "$(uniq -d "$out/stored")" ] || fail "a decision is stored twice: $(uniq -d "$out/stored" | head -3)"
sort "$out/ack.a" "$out/ack.b" | comm -23 - "$out/stored" >"$out/lost"
[ -s "$out/lost" ] && fail "acknowledged but not in the store: $(head -3 "$out/lost")"
"$sw" audit verify "$url" >"$out/verify" 2>&1 || { cat "$out/verify"; fail "verify after kill -9"; }
rows=$(sql 'SELECT count(*) FROM decisions')

# CDS Hooks with --store: the cards' decision is stored with its card uuids; the
# feedback on them goes to the store's feedback chain, one transaction per request;
# feedback on a card no stored decision issued is refused; audit verify checks both
# chains, and an altered or removed feedback record is found.
svc=$(curl -s -m 10 "http://127.0.0.1:$port_b/cds-services" | jq -r '.services[0].id')
[ -n "$svc" ] && [ "$svc" != null ] || fail "no CDS service in discovery"
code=$(curl -s -m 10 -o "$out/cards" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$root/tests/golden/fhir/hook.json" "http://127.0.0.1:$port_b/cds-services/$svc")
[ "$code" = 200 ] || { cat "$out/cards"; fail "cards with --store answered $code"; }
card1=$(jq -r '.cards[0].uuid' "$out/cards")
card2=$(jq -r '.cards[1].uuid' "$out/cards")
[ "$(sql 'SELECT count(*) FROM cards')" -ge 2 ] || fail "the cards' uuids are not in the store"
printf '{"feedback": [{"card": "%s", "outcome": "accepted", "outcomeTimestamp": "2026-11-20T10:00:00Z"}, {"card": "%s", "outcome": "overridden", "outcomeTimestamp": "2026-11-20T10:01:00Z", "overrideReason": {"reason": {"system": "urn:stagewise:override-reason", "code": "already-done"}}}]}\n' \
    "$card1" "$card2" >"$out/feedback.json"
code=$(curl -s -m 10 -o "$out/fb" -w '%{http_code}' --data-binary @"$out/feedback.json" \
    "http://127.0.0.1:$port_b/cds-services/$svc/feedback")
[ "$code" = 200 ] || { cat "$out/fb"; fail "feedback with --store answered $code"; }
[ "$(sql 'SELECT count(*) FROM feedback')" = 2 ] || fail "feedback rows: $(sql 'SELECT count(*) FROM feedback')"
sql 'SELECT record FROM feedback' | grep -q "$card2" || fail "the feedback record does not name its card"
code=$(curl -s -m 10 -o "$out/fb" -w '%{http_code}' \
    --data-binary '{"feedback": [{"card": "00000000-0000-5000-8000-000000000000", "outcome": "accepted", "outcomeTimestamp": "2026-11-20T10:00:00Z"}]}' \
    "http://127.0.0.1:$port_b/cds-services/$svc/feedback")
{ [ "$code" = 400 ] && grep -q invalid_feedback "$out/fb"; } || { cat "$out/fb"; fail "feedback on an unknown card answered $code"; }
[ "$(sql 'SELECT count(*) FROM feedback')" = 2 ] || fail "refused feedback was recorded"
"$sw" audit verify "$url" >"$out/verify" 2>&1 || { cat "$out/verify"; fail "verify with feedback"; }
[ "$(grep -c intact "$out/verify")" -ge 2 ] || { cat "$out/verify"; fail "verify did not judge both chains"; }
sql "CREATE TABLE saved_fb AS SELECT * FROM feedback"
sql "UPDATE feedback SET record = replace(record, 'accepted', 'overridden') WHERE seq = (SELECT min(seq) FROM feedback)"
"$sw" audit verify "$url" >"$out/verify" 2>&1 && { cat "$out/verify"; fail "altered feedback verified"; }
sql "DELETE FROM feedback; INSERT INTO feedback SELECT * FROM saved_fb"
sql "DELETE FROM feedback WHERE seq = (SELECT min(seq) FROM feedback)"
"$sw" audit verify "$url" >"$out/verify" 2>&1 && { cat "$out/verify"; fail "removed feedback verified"; }
sql "DELETE FROM feedback; INSERT INTO feedback SELECT * FROM saved_fb"
"$sw" audit verify "$url" >/dev/null 2>&1 || fail "restored feedback does not verify"
# feedback whose insert fails answers 503 and records nothing
sql "ALTER TABLE feedback ADD CONSTRAINT no_more_fb CHECK (seq <= 2)"
code=$(curl -s -m 10 -o "$out/fb" -w '%{http_code}' --data-binary @"$out/feedback.json" \
    "http://127.0.0.1:$port_b/cds-services/$svc/feedback")
{ [ "$code" = 503 ] && grep -q feedback_not_recorded "$out/fb"; } || { cat "$out/fb"; fail "a failed feedback insert answered $code"; }
[ "$(sql 'SELECT count(*) FROM feedback')" = 2 ] || fail "failed feedback left rows"
sql "ALTER TABLE feedback DROP CONSTRAINT no_more_fb"
rows=$(sql 'SELECT count(*) FROM decisions')

# The workbench's decision page with --store: the decision is looked up in the
# store, its record checked against its neighbours, and replayed; an altered record
# is shown as altered.
id=$(head -n 1 "$out/ack.b")
code=$(curl -s -m 10 -o "$out/dec" -w '%{http_code}' "http://127.0.0.1:$port_b/v1/decisions/$id")
[ "$code" = 200 ] || { cat "$out/dec"; fail "the decision page from the store answered $code"; }
got=$(jq -r '"\(.record.decision_id) \(.chain.state) \(.chain.scope) \(.replay.state)"' "$out/dec")
[ "$got" = "$id intact neighbours identical" ] || { cat "$out/dec"; fail "the decision page from the store: $got"; }
code=$(curl -s -m 10 -o "$out/dec" -w '%{http_code}' "http://127.0.0.1:$port_b/v1/decisions/00000000-0000-4000-8000-000000000000")
[ "$code" = 404 ] || fail "an unknown decision from the store answered $code"
sql "CREATE TABLE saved_dec AS SELECT * FROM decisions"
sql "UPDATE decisions SET record = replace(record, '\"client\":', '\"client\": ') WHERE decision_id = '$id'"
curl -s -m 10 -o "$out/dec" "http://127.0.0.1:$port_b/v1/decisions/$id"
[ "$(jq -r .chain.state "$out/dec")" = altered ] || { cat "$out/dec"; fail "an altered stored decision was not shown as altered"; }
sql "DELETE FROM decisions; INSERT INTO decisions SELECT * FROM saved_dec"

# a failed insert answers 503 with a JSON error, and nothing is acknowledged
sql "ALTER TABLE decisions ADD CONSTRAINT no_more CHECK (seq <= $rows)"
code=$(curl -s -m 10 -o "$out/body" -D "$out/h" -w '%{http_code}' \
    --data-binary @"$root/examples/clients/02-methadone-poor-adherence.yaml" "http://127.0.0.1:$port_b/v1/evaluate")
[ "$code" = 503 ] || fail "a failed insert answered $code, not 503"
grep -q '"decision_not_recorded"' "$out/body" || { cat "$out/body"; fail "503 body"; }
grep -q "Stagewise-Decision-Id" "$out/h" && fail "a decision not recorded was acknowledged"
sql "ALTER TABLE decisions DROP CONSTRAINT no_more"
kill "$pid_b"; wait "$pid_b"
echo "store: serve --store, two instances, one killed under load: $acked decisions acknowledged, all stored; $rows records intact"
echo "store: CDS Hooks feedback stored in its own chain; altered and removed feedback detected"
echo "store: $n decisions stored, verified, replayed; altered, removed, reordered and truncated detected"
