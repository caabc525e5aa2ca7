#!/usr/bin/env bash
# Runs sqlmap (Debian's package) against the public and the admin GET
# endpoints of a local instance on loopback, logged in as an admin for the
# latter, and fails when it reports any parameter as injectable.
#
#   scripts/sqlmap.sh            SQLite (default)
#   SQLMAP_DB=postgres://... scripts/sqlmap.sh
#
# Boolean, error and UNION techniques at level 1 keep a run to a few
# minutes; app/web/attacks_test.go tries injection strings in every query
# parameter on every run of the tests as well.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v sqlmap >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq sqlmap >/dev/null
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
slug=no-to-imperialist-invasion
export UNDERSIGN_DATABASE_URL="${SQLMAP_DB:-$work/undersign.db}"
export UNDERSIGN_ADDR="127.0.0.1:$port" UNDERSIGN_BASE_URL="$base" UNDERSIGN_LOG_LEVEL=error UNDERSIGN_DRAIN_DELAY=0s

go build -o "$work/undersign" ./cmd/undersign
"$work/undersign" serve >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fs "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

# An admin session for the dashboard's endpoints.
echo "sqlmap admin password 0123456789" | "$work/undersign" user add --email sqlmap@example.org --role admin >/dev/null
jar="$work/cookies"
csrf=$(curl -fs -c "$jar" -b "$jar" "$base/admin/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n1)
curl -fs -o /dev/null -c "$jar" -b "$jar" -H "Origin: $base" \
  --data-urlencode "_csrf=$csrf" --data-urlencode "email=sqlmap@example.org" \
  --data-urlencode "password=sqlmap admin password 0123456789" "$base/admin/login"
cookie=$(awk '!/^#/ && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar")

public=(
  "/s/$slug/signatories?q=union&country=DE&type=union&cursor=AQ"
  "/api/v1/statements/$slug/signatories?q=union&country=DE&type=union&limit=10&cursor=AQ"
  "/api/v1/statements/$slug?lang=en"
  "/embed/$slug?lang=en&theme=dark&show=both&limit=5"
  "/badge/$slug.svg?lang=en"
)
admin=(
  "/admin/s/$slug/signatures?status=pending&country=DE&kind=union&verified=1&from=2026-01-01&to=2026-12-31&q=union&after=1"
  "/admin/audit?action=login.failed&target=signature&actor=1&statement=1&target_id=1&before=10"
)

found=0
scan() { # url [cookie]
  local log="$work/sqlmap-$RANDOM.log"
  local args=(-u "$base$1" --batch --level=1 --risk=1 --technique=BEU --threads=4
    --disable-coloring --output-dir="$work/sqlmap" --skip-waf --timeout=10 --retries=1)
  [ -n "${2:-}" ] && args+=(--cookie="$2")
  echo "sqlmap: $1"
  sqlmap "${args[@]}" >"$log" 2>&1 || true
  if grep -qiE "is vulnerable|appears to be injectable|sqlmap identified the following injection" "$log"; then
    echo "sqlmap: INJECTABLE: $1"
    grep -iE "parameter|payload" "$log" | head -20
    found=1
  elif ! grep -qiE "do not appear to be injectable|not injectable|does not seem to be injectable" "$log"; then
    echo "sqlmap: no verdict for $1:"
    tail -20 "$log"
    found=1
  fi
}
for u in "${public[@]}"; do scan "$u"; done
for u in "${admin[@]}"; do scan "$u" "$cookie"; done
if [ "$found" -ne 0 ]; then
  echo "sqlmap: FAILED"
  exit 1
fi
echo "sqlmap: no injectable parameter in ${#public[@]} public and ${#admin[@]} admin endpoints"
