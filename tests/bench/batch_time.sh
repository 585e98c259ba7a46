#!/bin/sh
# batch_time.sh STAGEWISE [RUNS] - times `stagewise eval -j 1` against `-j 2` on a
# 100,000-client JSON-lines stream of the example clients (gen_clients.sh) with the
# shipped rules, output to /dev/null; prints each run's wall time and peak RSS, the
# medians and the speed-up, and the output bytes per client. Run it from the source
# tree with a Release build, when the machine is quiet (it prints the load).
# docs/performance.md, "Batch evaluation (issue 16)", has the figures.
set -eu
bin=$1
runs=${2:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stagewise-batch-time.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
sh "$(dirname "$0")/gen_clients.sh" 100000 "$tmp/clients"
set -- -f "$tmp/clients-1.jsonl" -f "$tmp/clients-2.jsonl"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for jobs in 1 2; do
    i=0
    while [ "$i" -lt "$runs" ]; do
        /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" eval rules "$@" --format jsonl -j "$jobs" > /dev/null
        echo "-j $jobs: $(cut -d' ' -f1 "$tmp/time") s, peak RSS $(cut -d' ' -f2 "$tmp/time") KiB"
        cut -d' ' -f1 "$tmp/time" >> "$tmp/j$jobs"
        i=$((i + 1))
    done
done
m1=$(sort -n "$tmp/j1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
m2=$(sort -n "$tmp/j2" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "median: -j 1 $m1 s, -j 2 $m2 s, speed-up $(awk "BEGIN { printf \"%.2f\", $m1 / $m2 }")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
head -n 1400 "$tmp/clients-1.jsonl" > "$tmp/sample.jsonl"
bytes=$("$bin" eval rules -f "$tmp/sample.jsonl" --format jsonl | wc -c)
echo "output: $((bytes / 1400)) bytes per client (JSON lines, the shipped rules)"
