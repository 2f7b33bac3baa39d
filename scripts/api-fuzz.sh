#!/usr/bin/env bash
# Property-based API check (schemathesis) against a live server: a fresh SQLite database with the
# demo province, gunicorn on the loopback address, a province official's token. Fails on any 5xx
# and on any response the OpenAPI schema does not describe (status, content type, body).
# Bounded: a few examples per operation, about two minutes in all.
# Usage: scripts/api-fuzz.sh [EXAMPLES] (default 10). FUZZ_PHASES=examples,coverage,fuzzing adds
# schemathesis' boundary-value phase (several thousand more requests, ~8 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-10}
port=${FUZZ_PORT:-8765}
work=$(mktemp -d)
export DATABASE_URL="sqlite:///$work/fuzz.sqlite3"
# The fuzzer sends hundreds of requests a minute; the limits themselves are tested elsewhere.
export API_THROTTLE_ANON=100000/min API_THROTTLE_USER=100000/min API_THROTTLE_TOKEN=100000/min
py=.venv/bin/python
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# The demo data is made with development settings (demo_users refuses production ones) ...
export DJANGO_SETTINGS_MODULE=config.settings.local
$py manage.py migrate --verbosity 0
$py manage.py load_units >/dev/null
$py manage.py seed_demo --province 66 >/dev/null
$py manage.py demo_users --province 66 >/dev/null
key=$($py manage.py create_api_token demo_province_66 --name "API check" --days 1)

# ... and served with production settings, as deployed (plain HTTP on the loopback address).
export DJANGO_SETTINGS_MODULE=config.settings.production
export SECRET_KEY="api-fuzz-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')" ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0
$py manage.py createcachetable
.venv/bin/gunicorn config.wsgi --workers 2 --bind "127.0.0.1:$port" --log-level warning &
server=$!
$py - "$port" "$key" <<'PY'
import sys, time, urllib.request
request = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/api/v1/schema/", headers={"Authorization": f"Token {sys.argv[2]}"})
for _ in range(60):
    try:
        urllib.request.urlopen(request, timeout=30).read()
        break
    except OSError:
        time.sleep(1)
else:
    sys.exit("the server did not answer")
PY

set +e
.venv/bin/schemathesis run "http://127.0.0.1:$port/api/v1/schema/" \
  --header "Authorization: Token $key" \
  --max-examples "$examples" \
  --phases "${FUZZ_PHASES:-examples,fuzzing}" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --generation-database none \
  --seed 1 \
  --no-color | tee "$work/report.txt"
status=${PIPESTATUS[0]}
set -e
# One closing line in the plain "N passed, N failed" form.
passed=$(grep -oE '[0-9]+ passed' "$work/report.txt" | tail -1 | grep -oE '[0-9]+' || true)
failed=$(grep -oE '[0-9]+ unique failures?' "$work/report.txt" | tail -1 | grep -oE '^[0-9]+' || true)
echo "schemathesis: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
