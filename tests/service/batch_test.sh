#!/bin/sh
# batch_test.sh - `stagewise eval -j N` gives exactly the output of `stagewise eval`.
#
# Usage: tests/service/batch_test.sh STAGEWISE ROOT
#
# Builds a stream of 600 client documents from the example clients, with documents
# that have facts errors at known positions, and checks for every output format
# and several thread counts that standard output, standard error and the exit
# status are those of the sequential command, byte for byte. Prints the time each
# run took (reported, not asserted).

set -u

bin=$1
root=$2
cd "$root" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stagewise-batch.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
LC_ALL=C
export LC_ALL

n=0
for round in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50; do
    for f in examples/clients/*.yaml; do
        n=$((n + 1))
        echo "---"
        if [ $((n % 97)) -eq 0 ]; then
            printf 'client: bad-%s\nfacts:\n  phq9: "12"\n  housng: stable\n' "$n"
        else
            cat "$f"
        fi
    done
done > "$tmp/stream.yaml"
documents=$(grep -c '^---' "$tmp/stream.yaml")

passed=0
failed=0
now() { date +%s.%N; }
for format in jsonl json yaml text; do
    t0=$(now)
    "$bin" eval rules -f "$tmp/stream.yaml" --format "$format" > "$tmp/serial.out" 2> "$tmp/serial.err"
    echo $? > "$tmp/serial.status"
    t1=$(now)
    line="$format: $documents documents, sequential $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s"
    for jobs in 2 3 0; do
        t0=$(now)
        "$bin" eval rules -f "$tmp/stream.yaml" --format "$format" -j "$jobs" > "$tmp/batch.out" 2> "$tmp/batch.err"
        echo $? > "$tmp/batch.status"
        t1=$(now)
        line="$line, -j $jobs $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s"
        if cmp -s "$tmp/serial.out" "$tmp/batch.out" && cmp -s "$tmp/serial.err" "$tmp/batch.err" &&
            cmp -s "$tmp/serial.status" "$tmp/batch.status"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "FAIL --format $format -j $jobs differs from the sequential run"
            diff "$tmp/serial.err" "$tmp/batch.err" | head -5
            diff "$tmp/serial.status" "$tmp/batch.status"
        fi
    done
    echo "$line"
done
# With standard error on a terminal (script(1) provides one), a progress line is
# drawn and erased before the messages; without one (above) there is none.
if command -v script > /dev/null 2>&1; then
    script -qec "'$bin' eval rules -f '$tmp/stream.yaml' --format jsonl -j 2 > /dev/null" /dev/null \
        > "$tmp/tty.out" 2>&1
    if grep -q "stagewise eval: [0-9]* clients, [0-9]* per second" "$tmp/tty.out" &&
        grep -q "client 97 of $documents skipped" "$tmp/tty.out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL no progress line on a terminal"
        head -c 400 "$tmp/tty.out"
    fi
fi
if grep -q "client 97 of $documents skipped" "$tmp/serial.err" && [ "$(cat "$tmp/serial.status")" = 4 ]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL the bad clients were not reported with their positions"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
