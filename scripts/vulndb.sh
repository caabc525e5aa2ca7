#!/usr/bin/env bash
# govulncheck against an offline copy of the Go vulnerability database.
#
# The public database (vuln.go.dev) is unreachable from our machines, so the
# database is built from the golang.org/x/vulndb module, fetched through the
# module proxy at a pinned version, and cached in .cache/vulndb/<version>.
# Fails on any vulnerability in a module we build with, and on any
# standard-library vulnerability that SECURITY.md does not list.
#
# To take newer advisories, set VULNDB_VERSION to the version that
# `go list -m golang.org/x/vulndb@latest` prints (the module has no tags).
set -euo pipefail
cd "$(dirname "$0")/.."

VULNDB_VERSION="${VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}"
cache="${VULNDB_CACHE:-$PWD/.cache/vulndb}"
case "$cache" in /*) ;; *) cache="$PWD/$cache" ;; esac
db="$cache/$VULNDB_VERSION"

if [ ! -f "$db/index/modules.json" ]; then
  echo "vulndb: building the offline database from golang.org/x/vulndb@$VULNDB_VERSION"
  go run ./scripts/vulndb build -version "$VULNDB_VERSION" -out "$db"
fi

report="$cache/govulncheck.json"
# -format json exits 0 with findings; a failure to load the code still fails.
go tool govulncheck -db "file://$db" -format json ./... >"$report"
go run ./scripts/vulndb check -known SECURITY.md <"$report" || {
  echo "vulndb: call traces: go tool govulncheck -db file://$db -show traces ./..." >&2
  exit 1
}
