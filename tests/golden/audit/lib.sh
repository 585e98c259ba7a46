# lib.sh - helpers for the audit_* and replay_* golden cases, sourced by their .cmd
# files (run from the repository root, where `stagewise` is the binary under test).
#
# Each case gets a temporary directory $T, removed when the case ends. audit_log
# writes a decision log there whose bytes are the same on every run (fixed decision
# ids, timestamps and pseudonym key); named runs a command and prints its output
# with $T/ left out of file names, returning the command's exit status.

T=$(mktemp -d "${TMPDIR:-/tmp}/stagewise-audit.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT

# audit_log FILE: the two clients of tests/golden/facts/risk_clients.yaml, evaluated
# twice with the golden risk rules: four records.
audit_log() {
    for id in golden golden-b; do
        stagewise eval tests/golden/rules/risk.sw -f tests/golden/facts/risk_clients.yaml \
            --log "$1" --decision-id "$id" --timestamp 2026-11-20T10:30:00Z \
            --pseudonym-key tests/golden/audit/pseudonym.key --format jsonl > /dev/null || exit 98
    done
}

# named COMMAND...: runs it, then prints its standard output and error without $T/.
named() {
    "$@" > "$T/.out" 2> "$T/.err"
    status=$?
    sed "s|$T/||g" "$T/.out"
    sed "s|$T/||g" "$T/.err" >&2
    return $status
}
