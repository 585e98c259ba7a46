#!/bin/sh
# check_includes.sh - the include graph follows the pipeline (docs/design.md).
#
# Usage: tests/layout/check_includes.sh ROOT
#
# engine/ has one folder per stage, in this order; a file may include headers of
# its own stage and of earlier ones only, always by their stage path
# ("check/model.h"), never by a bare name:
#
#   util lang check compile facts eval report audit authoring api
#
# grammar/ (the lexer and parser) may use util/ and lang/. The command (cli/) and
# the service (service/) see the library only through include/stagewise.h, and
# use engine/util/ (the support layer under every stage: buffers, JSON, digests,
# text); the service never includes the command's headers. Headers
# form no cycle (checked with tsort). Every violation is printed as
# "file:line: what"; the exit status is 1 when there is any.
set -u
root=${1:?usage: check_includes.sh ROOT}
cd "$root" || exit 2

stages="util lang check compile facts eval report audit authoring api"
rank() {
    n=0
    for s in $stages; do
        [ "$s" = "$1" ] && { echo $n; return; }
        n=$((n + 1))
    done
    echo -1
}

bad=0
say() { echo "$1"; bad=1; }

# every folder of engine/ is a known stage
for d in engine/*/; do
    d=${d%/}; d=${d#engine/}
    [ "$(rank "$d")" -ge 0 ] || say "engine/$d: not a stage of the pipeline (add it to the order in $0 and docs/design.md)"
done

# quoted includes of one file: "line include" pairs
includes() { grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$1" | sed 's/^\([0-9]*\):.*"\(.*\)".*/\1 \2/'; }

for f in engine/*/*.c engine/*/*.h; do
    own=${f#engine/}; own=${own%%/*}
    r_own=$(rank "$own")
    includes "$f" | while read -r line inc; do
        case $inc in
        stagewise.h) ;;
        parser.h | lexer.h) [ "$own" = lang ] || echo "$f:$line: the generated parser is lang/'s alone" ;;
        */*)
            dir=${inc%%/*}
            [ -f "engine/$inc" ] || { echo "$f:$line: \"$inc\" is not a header of engine/"; continue; }
            r=$(rank "$dir")
            [ "$r" -le "$r_own" ] || echo "$f:$line: $own/ may not include $inc ($dir/ comes later in the pipeline)"
            ;;
        *) echo "$f:$line: \"$inc\": include engine headers by their stage path" ;;
        esac
    done
done > /tmp/sw_layout.$$
for f in grammar/lexer.l grammar/parser.y; do
    includes "$f" | while read -r line inc; do
        case $inc in
        util/* | lang/* | parser.h | lexer.h | stagewise.h) ;;
        *) echo "$f:$line: the grammar may use util/ and lang/ only, not \"$inc\"" ;;
        esac
    done
done >> /tmp/sw_layout.$$
for f in cli/*.c cli/*.h service/*.c service/*.h; do
    tool=${f%%/*}
    includes "$f" | while read -r line inc; do
        case $inc in
        stagewise.h) ;;
        util/*) [ -f "engine/$inc" ] || echo "$f:$line: \"$inc\" is not a header of engine/util/" ;;
        */* | internal.h) echo "$f:$line: $tool/ uses the library through stagewise.h (and engine/util/), not \"$inc\"" ;;
        *)
            if [ -f "$tool/$inc" ]; then :
            elif [ "$tool" = cli ] && [ -f "service/$inc" ]; then :
            else echo "$f:$line: \"$inc\" is not a header $tool/ may use"; fi
            ;;
        esac
    done
done >> /tmp/sw_layout.$$
if [ -s /tmp/sw_layout.$$ ]; then
    cat /tmp/sw_layout.$$
    bad=1
fi
rm -f /tmp/sw_layout.$$

# no cycle among headers: each header with the headers it includes
edges=$(for h in engine/*/*.h engine/*.h cli/*.h service/*.h; do
    includes "$h" | while read -r line inc; do
        case $inc in
        */*) echo "$h engine/$inc" ;;
        *) [ -f "${h%/*}/$inc" ] && echo "$h ${h%/*}/$inc" ;;
        esac
    done
    echo "$h $h"
done)
if ! printf '%s\n' "$edges" | tsort >/dev/null 2>/tmp/sw_tsort.$$; then
    say "headers include each other in a cycle:"
    cat /tmp/sw_tsort.$$
fi
rm -f /tmp/sw_tsort.$$

[ $bad -eq 0 ] && echo "include graph follows the pipeline: $(ls engine/*/*.[ch] | wc -l) engine files, $(ls cli/*.[ch] service/*.[ch] | wc -l) tool files"
exit $bad
