#!/usr/bin/env bash
# Runs every `go test -fuzz` target of the module for a bounded time, one
# after another (go test fuzzes one target at a time).
#
#   scripts/fuzz.sh              every target, FUZZTIME each (default 20s)
#   FUZZTIME=2m scripts/fuzz.sh 'Render|Cursor'   targets whose name matches
#
# Targets are found by their `func FuzzX(f *testing.F)` line, so new ones are
# picked up without editing this script. Each target's committed seeds
# (f.Add and testdata/fuzz/FuzzX/) run first; an input that fails is written
# to testdata/fuzz/FuzzX/ by go test: commit it with the fix.
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-20s}"
# go test stops counting executions while it minimises each new interesting
# input, up to 60s by default: with a 20s budget that is most of the run.
FUZZMINIMIZETIME="${FUZZMINIMIZETIME:-2s}"
filter="${1:-.}"

mapfile -t targets < <(
  grep -rEo --include='*_test.go' --exclude-dir=.git --exclude-dir=.cache --exclude-dir=node_modules \
    '^func Fuzz[A-Za-z0-9_]*\(' . |
    sed -E 's#^\./(.*)/[^/]*:func (Fuzz[A-Za-z0-9_]*)\($#\1 \2#' | sort -u
)
if [ "${#targets[@]}" -eq 0 ]; then
  echo "fuzz: no fuzz targets found" >&2
  exit 1
fi

failed=()
ran=0
for t in "${targets[@]}"; do
  read -r dir name <<<"$t"
  [[ "$name" =~ $filter ]] || continue
  ran=$((ran + 1))
  echo "fuzz: $name in ./$dir for $FUZZTIME"
  if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZETIME" "./$dir"; then
    failed+=("$name (./$dir)")
  fi
done

if [ "$ran" -eq 0 ]; then
  echo "fuzz: no target matches '$filter'" >&2
  exit 1
fi
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'fuzz: FAILED %s\n' "${failed[@]}" >&2
  echo "fuzz: the failing inputs are in the packages' testdata/fuzz/ directories" >&2
  exit 1
fi
echo "fuzz: $ran targets passed, $FUZZTIME each"
