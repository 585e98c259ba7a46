#!/bin/sh
# run.sh - golden tests of the stagewise command.
#
# Usage: tests/golden/run.sh [--update] STAGEWISE ROOT [CASE...]
#
# Each case is tests/golden/cases/NAME.cmd: one shell command line, run from the
# repository root ROOT, in which `stagewise` is the binary under test. Its standard
# output, standard error and exit status are compared byte for byte with NAME.out,
# NAME.err and NAME.status; a mismatch prints a unified diff. With --update the
# expected files are written from the actual results instead (read them before
# committing). CASE names limit the run to those cases. The last line is always
# "N passed, M failed"; the exit status is 1 when any case failed.
#
# A case that runs longer than GOLDEN_TIMEOUT seconds (default 60) is stopped and
# fails, so a hang cannot stall the suite (needs timeout(1) from coreutils).

set -u

update=0
bin=
root=
only=
for arg in "$@"; do
    case $arg in
    --update) update=1 ;;
    -h | --help)
        sed -n '2,13s/^# \{0,1\}//p' "$0"
        exit 0
        ;;
    -*)
        echo "run.sh: unknown option '$arg'" >&2
        exit 2
        ;;
    *)
        if [ -z "$bin" ]; then
            bin=$arg
        elif [ -z "$root" ]; then
            root=$arg
        else
            only="$only $arg"
        fi
        ;;
    esac
done
if [ -z "$bin" ] || [ -z "$root" ]; then
    echo "usage: run.sh [--update] STAGEWISE ROOT [CASE...]" >&2
    exit 2
fi
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
if [ ! -x "$bin" ]; then
    echo "run.sh: '$bin' is not an executable" >&2
    exit 2
fi
root=$(cd "$root" && pwd) || exit 2
cases=$root/tests/golden/cases

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stagewise-golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# Error texts from the C library (strerror) and sort orders must not depend on
# the machine's locale.
LC_ALL=C
export LC_ALL

timeout=${GOLDEN_TIMEOUT:-60}
limit=
if command -v timeout > /dev/null 2>&1; then
    limit="timeout -k 5 $timeout"
fi

passed=0
failed=0

# compare EXPECTED ACTUAL LABEL: 0 when equal, else prints a diff and returns 1.
compare() {
    if [ ! -f "$1" ]; then
        echo "  missing $1 (run with --update to create it)"
        return 1
    fi
    if cmp -s "$1" "$2"; then
        return 0
    fi
    diff -u --label "expected $3" --label "actual $3" "$1" "$2" | sed 's/^/  /'
    return 1
}

for cmdfile in "$cases"/*.cmd; do
    [ -f "$cmdfile" ] || continue
    name=$(basename "$cmdfile" .cmd)
    if [ -n "$only" ]; then
        case " $only " in
        *" $name "*) ;;
        *) continue ;;
        esac
    fi

    # The case runs in a shell of its own from the root, with `stagewise` a
    # function that runs the binary under test, and standard input empty unless
    # the case redirects it.
    $limit sh -c '
        cd "$1" || exit 99
        bin=$2
        stagewise() { "$bin" "$@"; }
        . "$3"
    ' case "$root" "$bin" "$cmdfile" < /dev/null > "$tmp/out" 2> "$tmp/err"
    status=$?
    echo "$status" > "$tmp/status"
    if [ -n "$limit" ] && [ "$status" -eq 124 ]; then
        echo "FAIL $name: stopped after $timeout seconds: $(cat "$cmdfile")"
        failed=$((failed + 1))
        continue
    fi

    base=$cases/$name
    if [ "$update" -eq 1 ]; then
        cp "$tmp/out" "$base.out"
        cp "$tmp/err" "$base.err"
        cp "$tmp/status" "$base.status"
        echo "updated $name"
        passed=$((passed + 1))
        continue
    fi

    ok=1
    report=$(
        compare "$base.out" "$tmp/out" "$name.out" || echo FAILED
        compare "$base.err" "$tmp/err" "$name.err" || echo FAILED
        compare "$base.status" "$tmp/status" "$name.status" || echo FAILED
    )
    case $report in
    *FAILED*) ok=0 ;;
    esac
    if [ "$ok" -eq 1 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: $(cat "$cmdfile")"
        printf '%s\n' "$report" | grep -v '^FAILED$'
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
