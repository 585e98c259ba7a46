#!/bin/sh
# load_test.sh - a bounded load test of `stagewise serve` on loopback.
#
# Usage: tests/service/load_test.sh STAGEWISE SVC_CLIENT ROOT [REQUESTS] [THREADS]
#
# Serves the shipped rule base (rules/) with 4 worker threads, warms up with 1000
# requests, notes the server's resident memory (VmRSS), then sends REQUESTS (default
# 20000) POST /v1/evaluate requests from THREADS (default 4) client threads over
# keep-alive connections, and 2000 CDS Hooks card requests. It checks that every
# request got a complete 200 reply holding a result (or cards) and that resident
# memory grew by at most RSS_BOUND_KB (16384 KiB) from after the warm-up to the end;
# requests per second and the memory figures are printed, never asserted. Under
# AddressSanitizer the freed-memory quarantine is kept small so that it does not
# count as growth. STAGEWISE_LOAD_REQUESTS (environment) sets REQUESTS when it is
# not given: CI's ASan pass sends 5000, where LeakSanitizer checks the server's
# memory at exit far more closely than the resident-memory bound can.

set -u

bin=$1
client=$2
root=$3
requests=${4:-${STAGEWISE_LOAD_REQUESTS:-20000}}
threads=${5:-4}
bound_kb=${RSS_BOUND_KB:-16384}
cd "$root" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stagewise-load.XXXXXX") || exit 2
pid=
cleanup() {
    if [ -n "$pid" ]; then kill -KILL "$pid" 2> /dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4:thread_local_quarantine_size_kb=64"
export ASAN_OPTIONS

rss_kb() {
    sed -n 's/^VmRSS:[^0-9]*\([0-9]*\) kB/\1/p' "/proc/$pid/status"
}

"$bin" serve rules --listen 127.0.0.1:0 --threads 4 2> "$tmp/server.err" &
pid=$!
port=
tries=0
while [ -z "$port" ] && [ $tries -lt 200 ]; do
    sleep 0.1
    port=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9][0-9]*\) with .*|\1|p' "$tmp/server.err")
    tries=$((tries + 1))
done
if [ -z "$port" ]; then
    echo "FAIL the server did not start"
    cat "$tmp/server.err"
    exit 1
fi

client_doc=examples/clients/07-phq9-item9-positive.yaml
printf '{"hook": "patient-view", "hookInstance": "4f8a0e0e-0c43-4bde-8d27-2d1c3f1a9b10", "context": {"patientId": "load"}, "prefetch": {"stagewise": {"facts": {"stage": "persuasion", "phq9": 22, "phq9_item9": 2, "gad7": 16, "substances": ["alcohol", "cocaine"], "housing": "stable"}}}}\n' > "$tmp/hook.json"

failed=0
"$client" load "$port" /v1/evaluate "$client_doc" 1000 "$threads" \
    --contains '"format": "stagewise-result"' > "$tmp/warmup.out" || failed=1
before=$(rss_kb)

"$client" load "$port" /v1/evaluate "$client_doc" "$requests" "$threads" \
    --contains '"format": "stagewise-result"' > "$tmp/evaluate.out" || failed=1
middle=$(rss_kb)
"$client" load "$port" /cds-services/dual_diagnosis "$tmp/hook.json" 2000 "$threads" \
    --contains '"cards": [' > "$tmp/cards.out" || failed=1
after=$(rss_kb)

kill -TERM "$pid"
wait "$pid"
status=$?
pid=

echo "POST /v1/evaluate:        $(cat "$tmp/evaluate.out")"
echo "POST /cds-services/{id}:  $(cat "$tmp/cards.out")"
echo "server VmRSS: ${before} kB after warm-up, ${middle} kB after /v1/evaluate, ${after} kB at the end (bound: +${bound_kb} kB)"

ok=1
if [ "$failed" -ne 0 ]; then
    echo "FAIL some requests failed"
    ok=0
fi
if [ "$status" -ne 0 ]; then
    echo "FAIL the server exited with $status"
    cat "$tmp/server.err"
    ok=0
fi
if [ $((after - before)) -gt "$bound_kb" ]; then
    echo "FAIL resident memory grew by $((after - before)) kB"
    ok=0
fi
[ "$ok" -eq 1 ]
