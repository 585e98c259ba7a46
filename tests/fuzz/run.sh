#!/bin/sh
# run.sh - run the libFuzzer targets for a while, niced, on a seed corpus made from
# the repository's rules and example clients.
#
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS [rules|facts|http]...
#
# BUILD_DIR was configured with
#   CC=clang cmake -S . -B BUILD_DIR -DSTAGEWISE_FUZZ=ON -DSTAGEWISE_SANITIZE=ON
# and built (targets fuzz_rules, fuzz_facts, fuzz_http). Each target runs for SECONDS with one
# job at nice 19; its working corpus is BUILD_DIR/corpus/NAME (kept between runs,
# so runs add up), crash inputs go to BUILD_DIR/crashes/NAME/ and the log to
# BUILD_DIR/fuzz-NAME.log. With no target named, all three run one after another.
# A crash input is replayed with `BUILD_DIR/tests/fuzz/fuzz_NAME FILE`; once fixed,
# copy it to tests/fuzz/regressions/NAME/ with its expected outcome (see the
# README there).
set -eu

build=${1:?usage: run.sh BUILD_DIR SECONDS [rules|facts|http]...}
seconds=${2:?usage: run.sh BUILD_DIR SECONDS [rules|facts|http]...}
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
targets=${*:-rules facts http}

seed_rules() {
    dir=$1
    mkdir -p "$dir"
    # mode byte: "1" (odd) adds the fuzz prelude, "0" does not; "%%" lines cut files
    for f in "$root"/rules/*.sw "$root"/tests/golden/rules/*.sw "$root"/tests/golden/rules/*/*.sw; do
        name=$(echo "$f" | sed "s|$root/||; s|/|_|g")
        { printf 0; cat "$f"; } > "$dir/seed0_$name"
    done
    for f in "$root"/rules/engagement.sw "$root"/rules/risks.sw "$root"/rules/stage_movement.sw; do
        name=$(basename "$f")
        { printf 1; grep -v '^#' "$f" | head -60; } > "$dir/seed1_$name"
    done
    printf '1rule r "R" when stage is engagement and housing in { temporary } and phq9 >= 10 then recommend support priority urgent end\n' > "$dir/seed1_small"
    printf '1rule a "A" when substances contains any { opioids, crack } or days since released_on <= 28 then risk overdose severity critical set flag = true end\n%%%%\nrule b "B" when flag and not injecting then advise empathy set level = phq9 / 3 end\n' > "$dir/seed1_two_files"
    # the whole rule base as one input, files cut at %% lines
    {
        printf 0
        first=1
        for f in "$root"/rules/*.sw; do
            [ $first = 1 ] || printf '\n%%%%\n'
            first=0
            cat "$f"
        done
    } > "$dir/seed0_whole_rule_base"
}

seed_facts() {
    dir=$1
    mkdir -p "$dir"
    for f in "$root"/examples/clients/*.yaml "$root"/examples/clients/*.json "$root"/tests/golden/facts/*; do
        cp "$f" "$dir/seed_$(basename "$f")"
    done
}

# Requests as fuzz_http reads them: METHOD, a newline, the path, a newline, the body.
seed_http() {
    dir=$1
    mkdir -p "$dir"
    for f in "$root"/examples/clients/*.json; do
        { printf 'POST\n/v1/evaluate\n'; cat "$f"; } > "$dir/seed_evaluate_$(basename "$f")"
    done
    for f in "$root"/examples/clients/*.yaml; do
        { printf 'POST\n/v1/evaluate\n'; cat "$f"; } > "$dir/seed_evaluate_$(basename "$f")"
    done
    printf 'GET\n/v1/ruleset\n' > "$dir/seed_ruleset"
    printf 'GET\n/healthz\n' > "$dir/seed_healthz"
    printf 'GET\n/cds-services\n' > "$dir/seed_discovery"
    printf 'POST\n/cds-services/dual_diagnosis\n{"hook": "patient-view", "hookInstance": "d1b5c1e4-1", "context": {"userId": "Practitioner/1", "patientId": "p1"}, "prefetch": {"facts": {"client": "p1", "assessed_on": "2026-11-20", "facts": {"stage": "engagement", "housing": "rough_sleeping", "phq9_item9": 1}}}}' > "$dir/seed_cds"
    printf 'POST\n/cds-services/dual_diagnosis/feedback\n{"feedback": [{"card": "c1", "outcome": "accepted", "outcomeTimestamp": "2026-11-20T10:00:00Z", "acceptedSuggestions": [{"id": "s1"}]}]}' > "$dir/seed_feedback"
}

for t in $targets; do
    case $t in
    rules | facts | http) ;;
    *) echo "run.sh: unknown target '$t' (rules, facts or http)" >&2; exit 2 ;;
    esac
    corpus=$build/corpus/$t
    if [ ! -d "$corpus" ]; then
        "seed_$t" "$corpus"
    fi
    mkdir -p "$build/crashes/$t"
    max_len=4096
    [ "$t" = rules ] && max_len=65536
    dict=
    [ -f "$root/tests/fuzz/$t.dict" ] && dict=-dict=$root/tests/fuzz/$t.dict
    echo "fuzz_$t: ${seconds}s, corpus $corpus, log $build/fuzz-$t.log"
    status=0
    nice -n 19 "$build/tests/fuzz/fuzz_$t" $dict -max_total_time="$seconds" -timeout=20 \
        -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 \
        -artifact_prefix="$build/crashes/$t/" "$corpus" > "$build/fuzz-$t.log" 2>&1 || status=$?
    tail -n 12 "$build/fuzz-$t.log"
    if [ "$status" != 0 ]; then
        echo "fuzz_$t stopped with status $status: see $build/crashes/$t/" >&2
        exit "$status"
    fi
done
