#!/usr/bin/env bash
# The scale-out check: on loopback, a PostgreSQL primary with a streaming
# replica (pg_basebackup), mailpit, two undersign instances on that
# database and nginx in front of them (scripts/scaleout/undersign.conf, the
# configuration docs/deploy.md shows); then tests/scaleout checks, over
# HTTP, that the instances behave as one service. Everything is torn down
# on exit; the exit status is the test's.
#
#   scripts/scaleout.sh                   the whole check (about a minute)
#   scripts/scaleout.sh -run 'TestScaleOut/CAPTCHA'   extra go test arguments
#   KEEP=1 scripts/scaleout.sh            keep the temp dir (logs) afterwards
#
# Needs PostgreSQL's server binaries (PG_BIN, default the newest under
# /usr/lib/postgresql), nginx and mailpit (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
# The instances get their whole configuration from here, none from outside.
while read -r v; do unset "$v"; done < <(compgen -e | grep '^UNDERSIGN_' || true)
started=$(date +%s)
say() { echo "scaleout: $*"; }

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
if [ ! -x "$PG_BIN/initdb" ]; then
  say "no PostgreSQL server binaries (set PG_BIN)"
  exit 1
fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  say "installing nginx"
  apt-get update -qq && apt-get install -y -qq nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if ! command -v mailpit >/dev/null 2>&1; then
  say "installing mailpit"
  go install github.com/axllent/mailpit@v1.33.1
fi

# initdb refuses to run as root: the clusters belong to the postgres user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

work=$(mktemp -d /tmp/undersign-scaleout.XXXXXX)
chmod 755 "$work" # nginx's workers and the postgres user look inside
mkdir -p "$work/pg" "$work/nginx/tmp" "$work/mail"
[ "$(id -u)" = 0 ] && chown postgres: "$work/pg"
pids=()

teardown() {
  local status=$?
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  for c in replica primary; do
    [ -f "$work/pg/$c/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$work/pg/$c" -m immediate -w stop >/dev/null 2>&1
  done
  if [ "$status" -ne 0 ]; then
    for f in a.log b.log nginx/error.log pg/primary.log pg/replica.log; do
      [ -s "$work/$f" ] || continue
      echo "----- $f (last lines)"
      tail -n 25 "$work/$f"
    done
  fi
  if [ "${KEEP:-}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
  say "exit $status after $(($(date +%s) - started))s"
}
trap teardown EXIT
trap 'exit 130' INT TERM

# Seven free loopback ports, held together while chosen so they differ.
read -r pg1 pg2 smtp mailhttp porta portb portn < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(7)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
for s in ss: s.close()')

wait_for() { # what, tries (0.1 s each), command...
  local what=$1 tries=$2
  shift 2
  for _ in $(seq 1 "$tries"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  say "$what did not come up"
  return 1
}

say "building bin/undersign"
go build -o "$work/undersign" ./cmd/undersign

say "PostgreSQL primary on :$pg1, streaming replica on :$pg2"
as_pg "$PG_BIN/initdb" -D "$work/pg/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/pg/initdb.log"
cat >>"$work/pg/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg1
unix_socket_directories = '$work/pg'
wal_level = replica
max_wal_senders = 4
hot_standby = on
max_connections = 200
shared_buffers = 32MB
fsync = off
full_page_writes = off
EOF
echo "host replication all 127.0.0.1/32 trust" >>"$work/pg/primary/pg_hba.conf"
as_pg "$PG_BIN/pg_ctl" -D "$work/pg/primary" -l "$work/pg/primary.log" -w start >/dev/null
"$PG_BIN/psql" -h 127.0.0.1 -p "$pg1" -U postgres -qAtc 'CREATE DATABASE undersign' >/dev/null
as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$pg1" -U postgres -D "$work/pg/replica" -R -X stream -c fast
echo "port = $pg2" >>"$work/pg/replica/postgresql.conf"
as_pg "$PG_BIN/pg_ctl" -D "$work/pg/replica" -l "$work/pg/replica.log" -w start >/dev/null
streaming() {
  [ "$("$PG_BIN/psql" -h 127.0.0.1 -p "$pg1" -U postgres -qAtc \
    "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ]
}
wait_for "streaming replication" 100 streaming

say "mailpit SMTP on :$smtp, API on :$mailhttp"
mailpit --smtp "127.0.0.1:$smtp" --listen "127.0.0.1:$mailhttp" --database "$work/mail/mailpit.db" \
  --smtp-disable-rdns --disable-version-check --quiet >"$work/mail/mailpit.log" 2>&1 &
pids+=($!)
wait_for mailpit 100 curl -fs "http://127.0.0.1:$mailhttp/api/v1/messages"

primary="postgres://postgres@127.0.0.1:$pg1/undersign?sslmode=disable"
replica="postgres://postgres@127.0.0.1:$pg2/undersign?sslmode=disable"
base="http://127.0.0.1:$portn"
export UNDERSIGN_DATABASE_URL="$primary"
export UNDERSIGN_BASE_URL="$base"
UNDERSIGN_SECRET_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
export UNDERSIGN_SECRET_KEY
export UNDERSIGN_TRUSTED_PROXIES=127.0.0.1
export UNDERSIGN_SMTP_URL="smtp://127.0.0.1:$smtp"
# Low enough that the cross-instance limit is reached in four submissions;
# a day's window, so that no window ends in the middle of the check.
export UNDERSIGN_SIGN_RATE_IP=3/24h UNDERSIGN_SIGN_RATE_DOMAIN=1000/1h
export UNDERSIGN_DRAIN_DELAY=0s UNDERSIGN_SHUTDOWN_TIMEOUT=5s

say "migrating once, importing the statement, adding an admin"
"$work/undersign" migrate up >"$work/migrate.log" 2>&1
"$work/undersign" statement import statements/no-to-imperialist-invasion.md >>"$work/migrate.log" 2>&1
admin_email=admin@example.org
admin_password=$(head -c 18 /dev/urandom | base64)
echo "$admin_password" | "$work/undersign" user add --email "$admin_email" --role admin >>"$work/migrate.log" 2>&1

# Each instance names its replica connections, so that the test sees on
# the replica which instance read there.
serve() { # name port
  UNDERSIGN_ADDR="127.0.0.1:$2" UNDERSIGN_DATABASE_REPLICA_URLS="$replica&application_name=undersign-$1" \
    "$work/undersign" serve --no-migrate >"$work/$1.log" 2>&1 &
  pids+=($!)
}
say "undersign A on :$porta, B on :$portb"
serve a "$porta"
serve b "$portb"
wait_for "instance A" 150 curl -fs "http://127.0.0.1:$porta/readyz"
wait_for "instance B" 150 curl -fs "http://127.0.0.1:$portb/readyz"

say "nginx on :$portn"
site="$work/nginx/undersign.conf"
sed -e "s/10\.0\.0\.11:8080/127.0.0.1:$porta/" -e "s/10\.0\.0\.12:8080/127.0.0.1:$portb/" \
  -e "s/listen 80;/listen 127.0.0.1:$portn;/" scripts/scaleout/undersign.conf >"$site"
for want in "127.0.0.1:$porta" "127.0.0.1:$portb" "listen 127.0.0.1:$portn;"; do
  grep -qF "$want" "$site" || { say "scripts/scaleout/undersign.conf: could not put $want in place"; exit 1; }
done
user_line=""
[ "$(id -u)" = 0 ] && user_line="user www-data;"
cat >"$work/nginx/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 256; }
http {
    access_log $work/nginx/access.log;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    include $site;
}
EOF
"$NGINX" -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" -t -q
"$NGINX" -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)
wait_for nginx 100 curl -fs "$base/readyz"

say "ready after $(($(date +%s) - started))s; running tests/scaleout"
export SCALEOUT_NGINX_URL="$base"
export SCALEOUT_A_URL="http://127.0.0.1:$porta" SCALEOUT_B_URL="http://127.0.0.1:$portb"
export SCALEOUT_PRIMARY_DSN="$primary" SCALEOUT_REPLICA_DSN="$replica"
export SCALEOUT_MAILPIT_URL="http://127.0.0.1:$mailhttp"
export SCALEOUT_ADMIN_EMAIL="$admin_email" SCALEOUT_ADMIN_PASSWORD="$admin_password"
export SCALEOUT_SIGN_RATE_IP="$UNDERSIGN_SIGN_RATE_IP"
export SCALEOUT_REPLICA_APPS="undersign-a,undersign-b"
go test -count=1 -timeout 5m -v ./tests/scaleout/ "$@"
