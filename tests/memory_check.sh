#!/bin/sh
# memory_check.sh BUILD_DIR — builds the GC stress program (which allocates more
# than 10 GB in total while keeping little data live) and runs it under
# /usr/bin/time -v: it must finish with the expected output and a maximum
# resident set size below 100 MB. Prints `N passed, N failed`.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SRC="$ROOT/tests/e2e/gc/gc_stress.snow"
LIMIT_KB=$((100 * 1024))
work=$(mktemp -d "${TMPDIR:-/tmp}/snow-mem.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
result() { echo "$1"; [ "$1" = PASS ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"; exit 0; }
if [ ! -x /usr/bin/time ]; then echo "FAIL: /usr/bin/time missing (install the 'time' package)"; result FAIL; fi
cp "$SRC" "$work/main.snow"
if ! (cd "$work" && "$BUILD/snowc" build --no-color -o prog) >"$work/build.log" 2>&1; then
  echo "FAIL: gc_stress does not build:"; head -20 "$work/build.log"; result FAIL
fi
(cd "$work" && timeout 300 /usr/bin/time -v ./prog) >"$work/out" 2>"$work/time"
st=$?
rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$work/time")
echo "gc_stress: exit status $st, max RSS ${rss:-?} kB (limit $LIMIT_KB kB)"
[ $st -eq 0 ] || { echo "FAIL: gc_stress exit status $st"; tail -5 "$work/time"; result FAIL; }
cmp -s "$work/out" "$ROOT/tests/e2e/gc/gc_stress.out" || { echo "FAIL: gc_stress output differs"; result FAIL; }
[ -n "$rss" ] && [ "$rss" -lt $LIMIT_KB ] || { echo "FAIL: gc_stress max RSS ${rss:-?} kB >= $LIMIT_KB kB"; result FAIL; }
result PASS
