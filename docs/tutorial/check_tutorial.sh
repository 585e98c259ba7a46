#!/bin/sh
# check_tutorial.sh - runs every example of docs/tutorial.md, so it cannot rot
# (the CTest test `tutorial`).
#
# Usage: docs/tutorial/check_tutorial.sh STAGEWISE ROOT
#
# 1. A code block whose info string names a file (```sw file=PATH) must be that
#    file, byte for byte; one marked excerpt=PATH must appear in it verbatim. Every
#    rule, scenario and client file under docs/tutorial/ must be shown whole.
# 2. A ```console block is run: each line starting with "$ " is a command, run by
#    sh from ROOT with `stagewise` the binary under test; the lines up to the next
#    command are its expected output (standard output and error together).
# 3. The tutorial's rule set must check, lint with no findings, be formatted, and
#    pass its scenarios (`stagewise test`, when the command exists).
#
# Prints one line per failure and "N passed, M failed"; exits 1 on any failure.

set -u

if [ $# -ne 2 ]; then
    echo "usage: check_tutorial.sh STAGEWISE ROOT" >&2
    exit 2
fi
bin=$1
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
root=$(cd "$2" && pwd) || exit 2
doc=docs/tutorial.md
[ -x "$bin" ] || { echo "check_tutorial.sh: '$bin' is not an executable" >&2; exit 2; }
[ -f "$root/$doc" ] || { echo "check_tutorial.sh: no $doc under $root" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stagewise-tutorial.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/bin" "$tmp/blocks"
ln -s "$bin" "$tmp/bin/stagewise"
LC_ALL=C
export LC_ALL

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL $*"
}

has_test=0
"$bin" help test > /dev/null 2>&1 && has_test=1

# Split the tutorial into its fenced code blocks: blocks/N.info holds the info
# string and the line the block starts on, blocks/N.txt its text.
awk -v dir="$tmp/blocks" '
    /^```/ {
        if (!open) {
            open = 1; n++
            print substr($0, 4) > (dir "/" n ".info")
            print NR + 1 >> (dir "/" n ".info")
            close(dir "/" n ".info")
            printf "" > (dir "/" n ".txt")
        } else {
            open = 0
            close(dir "/" n ".txt")
        }
        next
    }
    open { print >> (dir "/" n ".txt") }
' "$root/$doc"

# The value of KEY=VALUE in an info string, or nothing.
info_value() {
    printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# check_file BLOCK INFO LINE: the block is the whole file, or an excerpt of it.
check_file() {
    path=$(info_value "$2" file)
    if [ -n "$path" ]; then
        printf '%s\n' "$path" >> "$tmp/shown"
        if cmp -s "$1" "$root/$path"; then
            pass
        else
            fail "$doc:$3: the block marked file=$path is not the file"
            diff -u "$root/$path" "$1" | sed 's/^/  /'
        fi
        return
    fi
    path=$(info_value "$2" excerpt)
    [ -n "$path" ] || return
    if awk -v want="$1" '
        BEGIN { while ((getline l < want) > 0) w[++n] = l }
        { f[++m] = $0 }
        END {
            for (i = 1; i + n - 1 <= m; i++) {
                for (j = 1; j <= n && f[i + j - 1] == w[j]; j++) ;
                if (j > n) exit 0
            }
            exit 1
        }' "$root/$path"; then
        pass
    else
        fail "$doc:$3: the block marked excerpt=$path is not part of the file"
    fi
}

# run_command LINE COMMAND EXPECTED-FILE
run_command() {
    case $2 in
    "stagewise test"*)
        if [ "$has_test" -eq 0 ]; then
            echo "skip $doc:$1: \`stagewise test\` is not built"
            return
        fi
        ;;
    esac
    (cd "$root" && PATH="$tmp/bin:$PATH" sh -c "$2") > "$tmp/actual" 2>&1
    # compare without trailing blank lines, as the block cannot show them
    printf '%s\n' "$(cat "$tmp/actual")" > "$tmp/actual.trim"
    printf '%s\n' "$(cat "$3")" > "$tmp/expected.trim"
    if cmp -s "$tmp/expected.trim" "$tmp/actual.trim"; then
        pass
    else
        fail "$doc:$1: \$ $2"
        diff -u --label expected --label actual "$tmp/expected.trim" "$tmp/actual.trim" | sed 's/^/  /'
    fi
}

# check_console BLOCK LINE: runs each "$ " command and compares its output.
check_console() {
    cmd=
    cmdline=0
    line=$(($2 - 1))
    : > "$tmp/expected"
    while IFS= read -r text || [ -n "$text" ]; do
        line=$((line + 1))
        case $text in
        '$ '*)
            [ -n "$cmd" ] && run_command "$cmdline" "$cmd" "$tmp/expected"
            cmd=${text#??}
            cmdline=$line
            : > "$tmp/expected"
            ;;
        *) printf '%s\n' "$text" >> "$tmp/expected" ;;
        esac
    done < "$1"
    [ -n "$cmd" ] && run_command "$cmdline" "$cmd" "$tmp/expected"
}

: > "$tmp/shown"
consoles=0
n=1
while [ -f "$tmp/blocks/$n.info" ]; do
    info=$(sed -n 1p "$tmp/blocks/$n.info")
    start=$(sed -n 2p "$tmp/blocks/$n.info")
    case $info in
    console*)
        consoles=$((consoles + 1))
        check_console "$tmp/blocks/$n.txt" "$start"
        ;;
    *) check_file "$tmp/blocks/$n.txt" "$info" "$start" ;;
    esac
    n=$((n + 1))
done

# Every file of the tutorial is shown whole, and there was something to run.
for f in $(cd "$root" && find docs/tutorial -type f \( -name '*.sw' -o -name '*.yaml' \) | sort); do
    if grep -qx "$f" "$tmp/shown"; then pass; else fail "$doc does not show $f (add a block marked file=$f)"; fi
done
[ "$consoles" -gt 0 ] || fail "$doc has no console blocks to run"

# The finished rule set: valid, lint-clean, formatted, its scenarios pass.
expect_ok() {
    if (cd "$root" && "$bin" "$@") > "$tmp/out" 2>&1; then
        pass
    else
        fail "stagewise $*"
        sed 's/^/  /' "$tmp/out"
    fi
}
expect_ok check docs/tutorial/rules
expect_ok lint docs/tutorial/rules
expect_ok fmt --check docs/tutorial/rules docs/tutorial/mistake.sw
if [ "$has_test" -eq 1 ]; then
    expect_ok test docs/tutorial/rules --quiet
else
    echo "skip stagewise test docs/tutorial/rules: \`stagewise test\` is not built"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
