#!/bin/sh
# layout_test.sh - runs check_includes.sh on the tree (it must pass), then on a
# scratch copy with one violation of each kind (each must be reported).
set -u
root=${1:?usage: layout_test.sh ROOT}
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/check_includes.sh" "$root" || exit 1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/engine" "$root/grammar" "$root/cli" "$root/service" "$tmp/"
echo '#include "report/report.h"' >> "$tmp/engine/compile/dump.c"      # backwards
echo '#include "model.h"' >> "$tmp/engine/check/check.c"               # bare name
echo '#include "authoring/lint.h"' >> "$tmp/cli/main.c"               # past stagewise.h
echo '#include "internal.h"' >> "$tmp/cli/args.c"                      # the old back door
echo '#include "cli.h"' >> "$tmp/service/serve_auth.c"                 # service -> cli
echo '#include "eval/eval.h"' >> "$tmp/grammar/parser.y"               # grammar -> eval
echo '#include "lang/ast.h"' >> "$tmp/engine/util/arena.h"             # backwards
echo '#include "lang/ast.h"' >> "$tmp/engine/lang/vocab.h"             # a cycle: ast.h includes vocab.h
mkdir "$tmp/engine/misc"                                                 # unknown stage
out=$(sh "$here/check_includes.sh" "$tmp")
status=$?
fail=0
[ $status -eq 1 ] || { echo "expected exit 1, got $status"; fail=1; }
for want in "engine/compile/dump.c:.*report/ comes later" \
            "engine/check/check.c:.*include engine headers by their stage path" \
            "cli/main.c:.*uses the library through stagewise.h (and engine/util/), not \"authoring/lint.h\"" \
            "cli/args.c:.*uses the library through stagewise.h (and engine/util/), not \"internal.h\"" \
            "service/serve_auth.c:.*\"cli.h\" is not a header service/ may use" \
            "grammar/parser.y:.*the grammar may use util/ and lang/ only" \
            "engine/util/arena.h:.*lang/ comes later" \
            "headers include each other in a cycle" \
            "engine/misc: not a stage"; do
    printf '%s\n' "$out" | grep -q "$want" || { echo "not reported: $want"; fail=1; }
done
[ $fail -eq 0 ] && echo "layout check reports every kind of violation"
exit $fail
