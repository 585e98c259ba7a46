#!/bin/sh
# store_test.sh - the decision store against a real PostgreSQL (docs/audit.md).
#
# Usage: tests/store/store_test.sh STAGEWISE ROOT
#
# Makes a throw-away cluster in a temporary directory (initdb as an unprivileged
# user when run as root), serves it on a unix socket there with a random port,
# then: store init, store migrate twice, eval --store for every example client,
# audit verify (intact), replay (identical), and tampering through psql: an
# altered record, a removed one, two swapped, the last removed (truncated, found
# with --expect-head as in the file log). Exit 77 (skipped) without initdb/pg_ctl.
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
stop() { $as "$bin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1; rm -rf "$tmp"; }
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
grep -q "created the decision store, schema version 1" "$out/init" || { cat "$out/init"; fail "store init output"; }
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
head=$(sed 's/.*head //' "$out/verify")

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
echo "store: $n decisions stored, verified, replayed; altered, removed, reordered and truncated detected"
