#!/bin/sh
# hostile_test.sh - hostile and malformed HTTP requests against a real
# `stagewise serve` on 127.0.0.1: each gets the status it should (or, where no
# reply is right, its connection closed), and the service stays up and answers
# /healthz throughout.
#
# Usage: tests/service/hostile_test.sh STAGEWISE SVC_CLIENT ROOT
#
# The requests are written byte for byte (svc_client raw), so they can be what no
# HTTP client library sends: a garbage request line, a header of 200 KB, a body
# shorter than its Content-Length, headers that stop half way, bodies nested
# 100,000 deep, bytes that are not UTF-8. Every check prints a line only when it
# fails; the last line is "N passed, M failed", and the exit status is 1 when any
# failed. It takes about 15 seconds, most of it waiting out the 2-second request
# timeout.

set -u

bin=$1
client=$2
root=$3
cd "$root" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stagewise-hostile.XXXXXX") || exit 2
pid=
cleanup() {
    if [ -n "$pid" ]; then kill -KILL "$pid" 2> /dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
LC_ALL=C
export LC_ALL

passed=0
failed=0
token=hostile-test-token-0123456789
auth="Authorization: Bearer $token"

check() {
    if [ "$2" = "$3" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
    fi
}

# send NAME EXPECTED [PAUSE_MS]: sends $tmp/req as it is (in two halves, PAUSE_MS
# apart) and checks the first line svc_client prints: "status CODE" or "closed".
send() {
    got=$(timeout 30 "$client" raw "$port" "$tmp/req" "${3:-0}" --expect 0 > "$tmp/reply" 2>&1; head -n 1 "$tmp/reply")
    check "$1" "$2" "$got"
}

# contains NAME TEXT: the last reply holds TEXT
contains() {
    if grep -qF -- "$2" "$tmp/reply"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s: the reply does not hold "%s"\n' "$1" "$2"
        sed 's/^/  | /' "$tmp/reply" | head -20
    fi
}

# alive NAME: the process runs and /healthz answers 200
alive() {
    if kill -0 "$pid" 2> /dev/null; then running=yes; else running=no; fi
    check "$1: server running" yes "$running"
    printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' > "$tmp/req"
    send "$1: /healthz" "status 200"
}

# deep FILE OPEN CLOSE PREFIX SUFFIX: PREFIX, OPEN 100,000 times, CLOSE as often, SUFFIX
deep() {
    {
        printf '%s' "$4"
        head -c 100000 /dev/zero | tr '\0' "$2"
        head -c 100000 /dev/zero | tr '\0' "$3"
        printf '%s' "$5"
    } > "$1"
}

# post PATH BODYFILE [HEADER]: writes a POST of BODYFILE to $tmp/req
post() {
    {
        printf 'POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\nContent-Type: application/json\r\n' \
            "$1" "${3:-$auth}"
        printf 'Content-Length: %s\r\n\r\n' "$(wc -c < "$2" | tr -d ' ')"
        cat "$2"
    } > "$tmp/req"
}

printf '%s\n' "$token" > "$tmp/tokens"
chmod 600 "$tmp/tokens"
"$bin" serve rules --token-file "$tmp/tokens" --timeout 2 --max-body 1048576 \
    --listen 127.0.0.1:0 2> "$tmp/server.err" &
pid=$!
port=
tries=0
while [ -z "$port" ] && [ $tries -lt 100 ]; do
    port=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9][0-9]*\) with .*|\1|p' "$tmp/server.err" 2> /dev/null)
    [ -n "$port" ] || sleep 0.1
    tries=$((tries + 1))
done
if [ -z "$port" ]; then
    echo "FAIL the server did not start:"
    cat "$tmp/server.err"
    exit 1
fi
alive "start"

# -- malformed requests --
printf 'BLAH\r\n\r\n' > "$tmp/req"
send "garbage request line" "closed"
printf 'GET /healthz\r\n\r\n' > "$tmp/req"
send "request line without a version" "status 400"
printf 'GET /healthz HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n' > "$tmp/req"
send "unknown HTTP version" "status 505"
printf 'POST /v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\nContent-Length: abc\r\n\r\n{}' "$auth" > "$tmp/req"
send "Content-Length not a number" "status 400"
printf '\000\001\002\377\376 / HTTP/1.1\r\n\r\n' > "$tmp/req"
send "binary request line" "closed"
alive "after malformed requests"

# -- oversized headers and bodies --
{
    printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: '
    head -c 200000 /dev/zero | tr '\0' a
    printf '\r\n\r\n'
} > "$tmp/req"
send "a 200 KB header" "status 431"
{
    printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'
    i=0
    while [ $i -lt 2000 ]; do printf 'X-H%d: v\r\n' $i; i=$((i + 1)); done
    printf '\r\n'
} > "$tmp/req"
send "2000 headers" "status 431"
printf 'POST /v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\nContent-Length: 99999999\r\n\r\n{}' "$auth" > "$tmp/req"
send "Content-Length over --max-body" "status 413"
contains "Content-Length over --max-body" '"error": "body_too_large"'
alive "after oversized requests"

# -- slow requests: the 2-second timeout closes them, and others are served meanwhile --
printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' > "$tmp/req"
send "headers that stop half way" "closed" 3000
printf 'POST /v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\nContent-Length: 100\r\n\r\n{}' "$auth" > "$tmp/req"
send "a body shorter than its Content-Length" "closed" 3000
cp "$tmp/req" "$tmp/slow"
slow_pids=
i=0
while [ $i -lt 8 ]; do
    "$client" raw "$port" "$tmp/slow" 3000 --expect 0 > /dev/null 2>&1 &
    slow_pids="$slow_pids $!"
    i=$((i + 1))
done
sleep 0.5
alive "while 8 slow bodies are held"
for p in $slow_pids; do wait "$p"; done
alive "after slow requests"

# -- wrong methods and paths --
printf 'DELETE /v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n\r\n' "$auth" > "$tmp/req"
send "DELETE /v1/evaluate" "status 405"
contains "DELETE /v1/evaluate" "'/v1/evaluate' takes POST, not DELETE"
printf 'PUT /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n' > "$tmp/req"
send "PUT /healthz" "status 405"
printf 'GET /v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n\r\n' "$auth" > "$tmp/req"
send "GET /v1/evaluate" "status 405"
printf 'GET /nowhere/../v1/ruleset HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n\r\n' "$auth" > "$tmp/req"
send "a path with .." "status 404"
printf '{}' > "$tmp/empty.json"
post /cds-services/no_such_service "$tmp/empty.json"
send "unknown CDS service" "status 404"
alive "after wrong methods"

# -- tokens --
post /v1/evaluate "$tmp/empty.json" "X-None: none"
send "no token" "status 401"
post /v1/evaluate "$tmp/empty.json" "Authorization: Bearer wrong-token"
send "wrong token" "status 401"
post /v1/evaluate "$tmp/empty.json" "Authorization: Bearer "
send "empty token" "status 401"
post /v1/evaluate "$tmp/empty.json" "Authorization: Basic aG9zdGlsZTp0ZXN0"
send "Basic credentials" "status 401"
post /v1/evaluate "$tmp/empty.json" "Authorization: Bearer ${token}x"
send "token with a byte more" "status 401"
post /v1/evaluate "$tmp/empty.json" "Authorization: Bearer hostile-test-token-012345678"
send "token with a byte less" "status 401"
post /v1/evaluate "$tmp/empty.json"
send "the right token" "status 200"
alive "after tokens"

# -- hostile bodies --
deep "$tmp/deep.json" '[' ']' '{"client": "c1", "facts": {"phq9": ' '}}'
post /v1/evaluate "$tmp/deep.json"
send "facts nested 100,000 deep" "status 422"
contains "facts nested 100,000 deep" '"code": "F012"'
contains "facts nested 100,000 deep" '"column": 50'
deep "$tmp/deepcds.json" '[' ']' '{"hook": "patient-view", "hookInstance": "h1", "context": ' '}'
post /cds-services/dual_diagnosis "$tmp/deepcds.json"
send "CDS request nested 100,000 deep" "status 400"
contains "CDS request nested 100,000 deep" "nested more than 64 levels deep"
printf '{"facts": {"phq9": ' > "$tmp/broken.json"
post /v1/evaluate "$tmp/broken.json"
send "JSON cut short" "status 400"
printf '{"facts": {"note": "\377\376\000\001"}}' > "$tmp/bytes.json"
post /v1/evaluate "$tmp/bytes.json"
send "bytes that are not UTF-8" "status 400"
printf '{"client": "", "facts": {}}' > "$tmp/client.json"
post /v1/evaluate "$tmp/client.json"
send "empty client" "status 422"
contains "empty client" "'client' must be an identifier, not empty text"
alive "after hostile bodies"

kill -TERM "$pid"
wait "$pid"
check "clean shutdown" 0 "$?"
pid=

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
