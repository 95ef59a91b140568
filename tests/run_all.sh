#!/bin/sh
# run_all.sh — the whole test suite (`make test`):
#   1. build (make) and the unit tests build/unit/* (each prints `N passed, N failed`);
#      the front end's unit test also round-trips every .snow file of the repo;
#   2. the e2e + compile-fail suite against build/ (at --opt-level 0 and 2), and
#      the command-line checks
#      (tests/driver_cli.sh);
#   3. the memory check (GC stress program under /usr/bin/time -v, max RSS < 100 MB);
#   4. the same e2e suite against an ASan+UBSan build in build-asan/ (leak
#      detection on for the compiler);
#   5. the scheduler under ThreadSanitizer (tests/tsan_check.sh): a TSan build
#      in build-tsan/, the unit tests test_actor_* and test_io_* from it, and
#      the e2e cases of the actor directories (actors, actors_rt,
#      actors_stress, services, jobs, supervisors); any TSan report fails.
# The last line is the grand total `N passed, N failed`; exit status nonzero on
# any failure. SNOW_BUILD / SNOW_ASAN_BUILD / SNOW_TSAN_BUILD override the
# build directories (default build, build-asan and build-tsan), e.g. to test
# without racing other builds.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JOBS=${SNOW_JOBS:-2}
B=${SNOW_BUILD:-build}
BA=${SNOW_ASAN_BUILD:-build-asan}
BT=${SNOW_TSAN_BUILD:-build-tsan}
total_pass=0
total_fail=0

. "$ROOT/tests/tally.sh"

LOG=$(mktemp -d "${TMPDIR:-/tmp}/snow-test.XXXXXX")
trap 'rm -rf "$LOG"' EXIT INT TERM

echo "== build"
if ! make -j"$JOBS" BUILD="$B" all >"$LOG/make.log" 2>&1; then
  tail -30 "$LOG/make.log"
  echo "FAIL: make"
  total_fail=$((total_fail + 1))
fi

echo "== unit tests"
make -j"$JOBS" -k BUILD="$B" unit >"$LOG/unit-make.log" 2>&1 || { tail -20 "$LOG/unit-make.log"; echo "FAIL: building unit tests"; total_fail=$((total_fail + 1)); }
for t in "$B"/unit/*; do
  [ -x "$t" ] || continue
  timeout 300 "$t" >"$LOG/unit.out" 2>&1
  st=$?
  grep -E '^FAIL|failed' "$LOG/unit.out" | grep -v ' 0 failed$' | head -20
  echo "$(basename "$t"): $(tail -1 "$LOG/unit.out")"
  tally "$LOG/unit.out" "$t" $st
done

echo "== end-to-end ($B/)"
sh tests/run_e2e.sh "$B" >"$LOG/e2e.out" 2>&1
st=$?
cat "$LOG/e2e.out"
tally "$LOG/e2e.out" "run_e2e.sh build" $st

echo "== end-to-end ($B/, --opt-level 2)"
SNOW_E2E_FLAGS="--opt-level 2" sh tests/run_e2e.sh "$B" >"$LOG/e2e-o2.out" 2>&1
st=$?
cat "$LOG/e2e-o2.out"
tally "$LOG/e2e-o2.out" "run_e2e.sh build (O2)" $st

echo "== command line and project checks"
sh tests/driver_cli.sh "$B" >"$LOG/cli.out" 2>&1
st=$?
cat "$LOG/cli.out"
tally "$LOG/cli.out" "driver_cli.sh" $st

echo "== memory check"
sh tests/memory_check.sh "$B" >"$LOG/mem.out" 2>&1
st=$?
cat "$LOG/mem.out"
tally "$LOG/mem.out" "memory_check.sh" $st

echo "== end-to-end ($BA/, AddressSanitizer + UndefinedBehaviorSanitizer)"
if make -j"$JOBS" BUILD="$BA" SAN='-fsanitize=address,undefined -fno-sanitize-recover=undefined' OPT=-O1 all \
  >"$LOG/make-asan.log" 2>&1; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99:allocator_may_return_null=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=99 \
    SNOW_E2E_ASAN=1 sh tests/run_e2e.sh "$BA" >"$LOG/e2e-asan.out" 2>&1
  st=$?
  cat "$LOG/e2e-asan.out"
  tally "$LOG/e2e-asan.out" "run_e2e.sh $BA" $st
else
  tail -30 "$LOG/make-asan.log"
  echo "FAIL: make (ASan build)"
  total_fail=$((total_fail + 1))
fi

echo "== end-to-end + scheduler unit tests ($BT/, ThreadSanitizer)"
SNOW_JOBS=$JOBS sh tests/tsan_check.sh "$BT" >"$LOG/tsan.out" 2>&1
st=$?
cat "$LOG/tsan.out"
tally "$LOG/tsan.out" "tsan_check.sh $BT" $st

echo "== total"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
