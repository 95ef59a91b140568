#!/bin/sh
# tsan_check.sh [BUILD_DIR] — the ThreadSanitizer stage of `make test` (the
# last one of tests/run_all.sh), also run by hand:
#   1. builds snowc and the runtime with -fsanitize=thread -O1 into BUILD_DIR
#      (default $SNOW_TSAN_BUILD, else build-tsan; snowc links Snow programs
#      with -fsanitize=thread too), and the unit tests test_actor_* and
#      test_io_* (the scheduler, processes, timers, I/O threads);
#   2. runs those unit tests: a test fails on its own FAIL lines, a nonzero
#      exit status or any ThreadSanitizer report (halt_on_error=1 makes TSan
#      exit with status 66 at the first one);
#   3. runs the e2e cases of tests/e2e/{actors,actors_rt,actors_stress,
#      services,jobs,supervisors} against that build (one run_e2e.sh per
#      directory, SNOW_E2E_TSAN=1: cases with a NAME.notsan marker are
#      skipped; time limits tripled).
# Under TSan every process is a fiber: at most ~8,000 alive at once and each
# costly to create, so the unit tests take smaller counts (SNOW_TEST_TSAN in
# tests/unit/unit.h) and the e2e cases that spawn tens of thousands of
# processes carry .notsan. SNOW_JOBS sets make's parallelism (default 2).
# Prints one line per unit test and per e2e directory, the failures, and
# finally `N passed, N failed`; exit status nonzero on any failure.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
JOBS=${SNOW_JOBS:-2}
BT=${1:-${SNOW_TSAN_BUILD:-build-tsan}}
SAN=-fsanitize=thread
TSAN_EXIT=66
TSAN_OPTIONS="halt_on_error=1 exitcode=$TSAN_EXIT second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export TSAN_OPTIONS
total_pass=0
total_fail=0

LOG=$(mktemp -d "${TMPDIR:-/tmp}/snow-tsan.XXXXXX")
trap 'rm -rf "$LOG"' EXIT INT TERM

tsan_report() {
  grep -E '(WARNING|ERROR): ThreadSanitizer|==[0-9]+==ThreadSanitizer|SUMMARY: ThreadSanitizer|FATAL: ThreadSanitizer' "$1" | head -3
}

. "$ROOT/tests/tally.sh"

# tally_tsan FILE NAME STATUS: tally, and (a unit test's output) any TSan
# report in FILE counts as one more failure.
tally_tsan() {
  rep=$(tsan_report "$1")
  if [ -n "$rep" ]; then
    echo "FAIL: $2: ThreadSanitizer report"
    echo "$rep" | sed 's/^/    /'
    total_fail=$((total_fail + 1))
  fi
  tally "$1" "$2" "$3"
}

echo "-- build ($BT/, ThreadSanitizer)"
UNITS=""
for src in tests/unit/test_actor_*.c tests/unit/test_io_*.c; do
  [ -f "$src" ] || continue
  UNITS="$UNITS $BT/unit/$(basename "$src" .c)"
done
# shellcheck disable=SC2086 # UNITS is a list of targets
if ! make -j"$JOBS" BUILD="$BT" SAN="$SAN" OPT=-O1 all $UNITS >"$LOG/make.log" 2>&1; then
  tail -30 "$LOG/make.log"
  echo "FAIL: make (ThreadSanitizer build)"
  echo "$total_pass passed, $((total_fail + 1)) failed"
  exit 1
fi

echo "-- unit tests"
for t in $UNITS; do
  timeout 300 "$t" >"$LOG/unit.out" 2>&1
  st=$?
  grep -E '^FAIL' "$LOG/unit.out" | head -20
  echo "$(basename "$t"): $(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$LOG/unit.out" | tail -1) (status $st)"
  tally_tsan "$LOG/unit.out" "$t" $st
done

for d in actors actors_rt actors_stress services jobs supervisors; do
  echo "-- end-to-end tests/e2e/$d"
  SNOW_E2E_TSAN=1 SNOW_E2E_TIMEOUT_MULT=3 SNOW_E2E_DIR="tests/e2e/$d" \
    sh tests/run_e2e.sh "$BT" >"$LOG/e2e.out" 2>&1
  st=$?
  grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$LOG/e2e.out"
  echo "tests/e2e/$d: $(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$LOG/e2e.out" | tail -1)"
  tally "$LOG/e2e.out" "run_e2e.sh tests/e2e/$d" $st
done

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
