#!/bin/sh
# gen_clients.sh COUNT PREFIX [PER_FILE] - a JSON-lines stream of COUNT clients for
# timing `stagewise eval -j N` (docs/performance.md, "Batch evaluation"): the example
# clients (tests/bench/clients.jsonl, one line per examples/clients file) repeated in
# turn, each copy with its own client id ("ex-01-000015"). A facts input is at most
# 64 MiB, so the stream is written in files of PER_FILE clients (default 50000):
# PREFIX-1.jsonl, PREFIX-2.jsonl, ..., given to eval as -f PREFIX-1.jsonl -f ...
#
# clients.jsonl was made from the examples with
#   python3 -c 'import yaml,json,glob
#   for f in sorted(glob.glob("examples/clients/[0-9]*")):
#       print(json.dumps(yaml.safe_load(open(f)), separators=(",", ":"), default=str))'
# (run again when the examples change).
set -eu
count=$1
prefix=$2
per_file=${3:-50000}
here=$(cd "$(dirname "$0")" && pwd)
awk -v count="$count" -v prefix="$prefix" -v per="$per_file" '
    { line[NR] = $0 }
    END {
        for (i = 0; i < count; i++) {
            l = line[i % NR + 1]
            n = sprintf("%06d", i + 1)
            match(l, /"client":"[^"]*"/)
            id = substr(l, RSTART, RLENGTH - 1) "-" n "\""
            l = substr(l, 1, RSTART - 1) id substr(l, RSTART + RLENGTH)
            file = prefix "-" (int(i / per) + 1) ".jsonl"
            print l > file
        }
    }' "$here/clients.jsonl"
