#!/bin/sh
# eval_jobs_test.sh - `stagewise eval -j N` reads, evaluates and renders on its
# worker threads (cli/eval_batch.c) and still gives exactly the output of -j 1.
#
# Usage: tests/batch/eval_jobs_test.sh STAGEWISE ROOT
#
# Streams: JSON lines of every example client repeated (tests/bench/clients.jsonl)
# with bad records mixed in - malformed JSON, an object never closed, text that is
# no object, a wrong type, an unknown fact, a value out of its range - long enough
# for several chunks of the batch, and ending in a line with no newline; an empty
# stream and one of blank lines; a YAML stream of documents with a bad one; two
# inputs in one run. For each, -j 1, -j 2 and -j 4 must give the same standard
# output, standard error and exit status, byte for byte, and the same decision log.
# Also checks that the messages name the bad records' lines in the input (a chunk
# read on its own would count its lines from 1). Not timed (tests/bench times it).

set -u

bin=$1
root=$2
cd "$root" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stagewise-jobs.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
LC_ALL=C
export LC_ALL

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# The JSON lines stream: 420 records, a bad one every 37th, in turn of six kinds.
awk '
    { line[NR] = $0 }
    END {
        bad[0] = "{\"client\":\"bad-json\",\"facts\":{\"stage\":\"engagement\" \"audit\":3}}"
        bad[1] = "{\"client\":\"bad-open\",\"facts\":{\"stage\":\"engagement\""
        bad[2] = "this is not a client"
        bad[3] = "{\"client\":\"bad-type\",\"facts\":{\"stage\":\"engagement\",\"audit\":\"many\"}}"
        bad[4] = "{\"client\":\"bad-fact\",\"facts\":{\"stage\":\"engagement\",\"no_such_fact\":true}}"
        bad[5] = "{\"client\":\"bad-range\",\"facts\":{\"stage\":\"engagement\",\"audit\":-3}}"
        k = 0
        for (i = 1; i <= 420; i++) {
            if (i % 37 == 0)
                print bad[k++ % 6]
            else
                print line[(i - 1) % NR + 1]
        }
    }' tests/bench/clients.jsonl > "$tmp/full.jsonl"
# ... and the last record without its newline.
head -c -1 "$tmp/full.jsonl" > "$tmp/mixed.jsonl"
: > "$tmp/empty.jsonl"
printf '\n\n   \n' > "$tmp/blank.jsonl"
# A YAML stream: every YAML example 12 times, one document with errors in the middle.
for round in 1 2 3 4 5 6 7 8 9 10 11 12; do
    for f in examples/clients/*.yaml; do
        echo "---"
        cat "$f"
    done
    if [ "$round" = 7 ]; then
        printf -- '---\nclient: bad-yaml\nfacts:\n  stage: engagement\n  audit: lots\n  housng: stable\n'
    fi
done > "$tmp/stream.yaml"

# run NAME ARGS...: runs eval with -j 1, 2 and 4 and compares the three.
run() {
    name=$1
    shift
    for jobs in 1 2 4; do
        rm -f "$tmp/log.$jobs"
        "$bin" eval rules "$@" -j "$jobs" > "$tmp/out.$jobs" 2> "$tmp/err.$jobs"
        echo $? > "$tmp/status.$jobs"
    done
    for jobs in 2 4; do
        if cmp -s "$tmp/out.1" "$tmp/out.$jobs" && cmp -s "$tmp/err.1" "$tmp/err.$jobs" &&
            cmp -s "$tmp/status.1" "$tmp/status.$jobs"; then
            pass
        else
            fail "$name: -j $jobs differs from -j 1"
            diff "$tmp/err.1" "$tmp/err.$jobs" | head -5
            diff "$tmp/status.1" "$tmp/status.$jobs"
            cmp "$tmp/out.1" "$tmp/out.$jobs"
        fi
    done
}

run "json lines" -f "$tmp/mixed.jsonl" --format jsonl
status=$(cat "$tmp/status.1")
# Records 37, 74, ... are bad; line 407 (the eleventh) is in the seventh chunk of 64.
if [ "$status" = 4 ] && grep -q "mixed.jsonl: client 407 of 420 skipped" "$tmp/err.1" &&
    grep -q "mixed.jsonl:407:52: error\[F003\]" "$tmp/err.1" &&
    grep -q "mixed.jsonl:296:51: error\[F001\]" "$tmp/err.1"; then
    pass
else
    fail "json lines: the bad records are not told at their lines (status $status)"
    head -20 "$tmp/err.1"
fi
# 420 records, 11 bad: 409 results, the last one for the record with no newline.
if [ "$(wc -l < "$tmp/out.1")" = 409 ]; then
    pass
else
    fail "json lines: $(wc -l < "$tmp/out.1") results, not 409"
fi
run "json lines as text" -f "$tmp/mixed.jsonl"
run "json lines as one JSON array" -f "$tmp/mixed.jsonl" --format json
run "empty" -f "$tmp/empty.jsonl" --format jsonl
if [ "$(cat "$tmp/status.1")" = 0 ] && [ ! -s "$tmp/out.1" ] && [ ! -s "$tmp/err.1" ]; then
    pass
else
    fail "empty: status $(cat "$tmp/status.1"), output or messages"
fi
run "empty as JSON" -f "$tmp/empty.jsonl" --format json
run "blank lines" -f "$tmp/blank.jsonl" --format jsonl
run "yaml stream" -f "$tmp/stream.yaml" --format yaml
if grep -q "stream.yaml: client 92 of 157 skipped" "$tmp/err.1"; then
    pass
else
    fail "yaml stream: the bad document is not told as client 92 of 157"
    head -5 "$tmp/err.1"
fi
run "two inputs" -f "$tmp/stream.yaml" -f "$tmp/mixed.jsonl" --format jsonl
# The decision log: the same records in the same order.
for jobs in 1 2 4; do
    "$bin" eval rules -f "$tmp/mixed.jsonl" --format jsonl -j "$jobs" --log "$tmp/log.$jobs" \
        --decision-id run --timestamp 2026-12-07T10:00:00Z > "$tmp/out.$jobs" 2> "$tmp/err.$jobs"
done
if [ -s "$tmp/log.1" ] && cmp -s "$tmp/log.1" "$tmp/log.2" && cmp -s "$tmp/log.1" "$tmp/log.4" &&
    cmp -s "$tmp/out.1" "$tmp/out.4" && cmp -s "$tmp/err.1" "$tmp/err.4"; then
    pass
else
    fail "decision log: -j 2 or -j 4 writes another log than -j 1"
fi

echo "eval -j: $passed passed, $failed failed"
[ "$failed" = 0 ]
