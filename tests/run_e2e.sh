#!/bin/sh
# run_e2e.sh BUILD_DIR — end-to-end and compile-fail suite against BUILD_DIR/snowc.
#
# Cases:
#   tests/e2e/**/NAME.snow      single-file program (or NAME.gen, a shell script
#                               writing it to stdout): built as a one-file project,
#                               run; stdout must equal NAME.out exactly, exit status
#                               NAME.exit (default 0), stderr must contain NAME.err
#                               (if present); NAME.stdin is fed to stdin (else
#                               /dev/null); NAME.args holds the program's
#                               command-line arguments (split at whitespace);
#                               NAME.timeout overrides the 10 s limit;
#                               NAME.noasan skips the case when SNOW_E2E_ASAN=1,
#                               NAME.notsan when SNOW_E2E_TSAN=1 (each holds a
#                               one-line reason: too slow, or more processes
#                               alive than ThreadSanitizer's fiber limit);
#                               NAME.warn: lines the build's stderr must contain
#                               (warnings: the build itself must still succeed);
#                               NAME.flags: build options for this case (e.g.
#                               --opt-level 2), before SNOW_E2E_FLAGS;
#                               NAME.env: VAR=value words for the program's
#                               environment (e.g. SNOW_SCHEDULERS=1).
#   tests/e2e/**/NAME/          multi-module project (has expected.out): the same,
#                               with expected.out / expected.exit / expected.err /
#                               expected.stdin / expected.warn / expected.args /
#                               expected.flags / expected.env
#                               inside the directory.
#   tests/compile_fail/NAME.snow (or NAME.gen, a shell script that writes the
#                               program to stdout): the build must fail with exit
#                               status 1 and stderr must contain every line of
#                               NAME.expect.
# Programs are built from inside their scratch directory so diagnostics and panic
# locations name `main.snow`. Any sanitizer report (ASan/LSan/MSan/UBSan errors,
# ThreadSanitizer warnings such as data races) fails the case.
# SNOW_E2E_DIR=DIR runs the e2e cases of DIR instead (e.g. tests/pending) and
# skips compile_fail; SNOW_E2E_JOBS sets the parallelism (default 2);
# SNOW_E2E_FLAGS adds build options for the e2e programs (e.g. "--opt-level 2");
# SNOW_E2E_TIMEOUT_MULT (an integer, default 1) multiplies every program's time
# limit (for sanitizer builds).
# Prints one line per failure (with a short diff) and finally `N passed, N failed`.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)

# ---------------------------------------------------------------- one case
if [ "${1:-}" = "--case" ]; then
  scratch=$2 snowc=$3 kind=$4 src=$5
  id=$(printf '%s' "$src" | sed 's|^tests/||; s|[/.]|_|g')
  work="$scratch/$id"
  res="$scratch/results/$id"
  rm -rf "$work"
  mkdir -p "$work"
  fail() {
    { printf 'FAIL %s: %s\n' "$src" "$1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -12 | sed 's/^/    /'; } >"$res"
    exit 0
  }
  sanitizer_report() {
    grep -E 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|WARNING: ThreadSanitizer|==[0-9]+==ThreadSanitizer|runtime error:|SUMMARY: (Address|Undefined|Thread)' "$1" | head -3
  }
  tmo=10
  case $kind in
    file)
      base=${src%.*}
      case $src in
        *.gen) (cd "$ROOT" && sh "$ROOT/$src") >"$work/main.snow" || fail "generator failed" ;;
        *) cp "$ROOT/$src" "$work/main.snow" ;;
      esac
      exp_out="$ROOT/$base.out" exp_exit="$ROOT/$base.exit" exp_err="$ROOT/$base.err" stdin="$ROOT/$base.stdin"
      [ -f "$ROOT/$base.timeout" ] && tmo=$(cat "$ROOT/$base.timeout")
      exp_warn="$ROOT/$base.warn"
      prog_args="$ROOT/$base.args"
      case_flags="$ROOT/$base.flags"
      prog_env="$ROOT/$base.env"
      ;;
    proj)
      cp -R "$ROOT/$src/." "$work/"
      rm -f "$work"/expected.*
      exp_out="$ROOT/$src/expected.out" exp_exit="$ROOT/$src/expected.exit" exp_err="$ROOT/$src/expected.err"
      stdin="$ROOT/$src/expected.stdin"
      [ -f "$ROOT/$src/expected.timeout" ] && tmo=$(cat "$ROOT/$src/expected.timeout")
      exp_warn="$ROOT/$src/expected.warn"
      prog_args="$ROOT/$src/expected.args"
      case_flags="$ROOT/$src/expected.flags"
      prog_env="$ROOT/$src/expected.env"
      ;;
    fail)
      base=${src%.*}
      case $src in
        *.gen) sh "$ROOT/$src" >"$work/main.snow" || fail "generator failed" ;;
        *) cp "$ROOT/$src" "$work/main.snow" ;;
      esac
      (cd "$work" && timeout 60 "$snowc" build --no-color -o prog) >"$work/build.out" 2>"$work/build.err"
      st=$?
      rep=$(sanitizer_report "$work/build.err")
      [ -n "$rep" ] && fail "sanitizer report in the compiler" "$rep"
      [ $st -eq 1 ] || fail "compiler exit status $st, expected 1" "$(head -c 1500 "$work/build.err")"
      [ -s "$work/build.out" ] && fail "compiler wrote to stdout" "$(head -5 "$work/build.out")"
      missing=""
      while IFS= read -r line || [ -n "$line" ]; do
        [ -z "$line" ] && continue
        grep -qF -- "$line" "$work/build.err" || missing="$missing$line
"
      done <"$ROOT/$base.expect"
      [ -n "$missing" ] && fail "stderr lacks expected text" "missing:
$missing--- stderr:
$(head -c 1500 "$work/build.err")"
      echo "PASS $src" >"$res"
      rm -rf "$work"
      exit 0
      ;;
  esac
  build_flags=""
  [ -f "$case_flags" ] && build_flags=$(cat "$case_flags")
  (cd "$work" && timeout 60 "$snowc" build --no-color $build_flags ${SNOW_E2E_FLAGS:-} -o prog) >"$work/build.out" 2>"$work/build.err"
  st=$?
  rep=$(sanitizer_report "$work/build.err")
  [ -n "$rep" ] && fail "sanitizer report in the compiler" "$rep"
  [ $st -eq 0 ] || fail "build failed (status $st)" "$(head -c 1500 "$work/build.err")"
  if [ -f "$exp_warn" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      [ -z "$line" ] && continue
      grep -qF -- "$line" "$work/build.err" || fail "build output lacks warning text: $line" "$(head -c 1500 "$work/build.err")"
    done <"$exp_warn"
  fi
  [ -f "$stdin" ] || stdin=/dev/null
  argv=""
  [ -f "$prog_args" ] && argv=$(cat "$prog_args")
  envv=""
  [ -f "$prog_env" ] && envv=$(cat "$prog_env")
  tmo=$((tmo * ${SNOW_E2E_TIMEOUT_MULT:-1}))
  # shellcheck disable=SC2086 # split at whitespace on purpose (set -f: no globbing)
  (cd "$work" && set -f && timeout "$tmo" env $envv ./prog $argv) <"$stdin" >"$work/stdout" 2>"$work/stderr"
  st=$?
  want=0
  [ -f "$exp_exit" ] && want=$(tr -d ' \n' <"$exp_exit")
  rep=$(sanitizer_report "$work/stderr")
  [ -n "$rep" ] && fail "sanitizer report in the program" "$rep"
  [ $st -eq 124 ] && fail "timed out after ${tmo}s"
  if ! cmp -s "$exp_out" "$work/stdout"; then
    fail "stdout differs (exit status $st)" "$(diff "$exp_out" "$work/stdout" | head -10; head -c 400 "$work/stderr")"
  fi
  [ "$st" = "$want" ] || fail "exit status $st, expected $want" "$(head -c 600 "$work/stderr")"
  if [ -f "$exp_err" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      [ -z "$line" ] && continue
      grep -qF -- "$line" "$work/stderr" || fail "stderr lacks: $line" "$(head -c 600 "$work/stderr")"
    done <"$exp_err"
  fi
  echo "PASS $src" >"$res"
  rm -rf "$work"
  exit 0
fi

# ---------------------------------------------------------------- driver
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SNOWC="$BUILD/snowc"
if [ ! -x "$SNOWC" ]; then
  echo "FAIL: $SNOWC not found (build it first)"
  echo "0 passed, 1 failed"
  exit 1
fi
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/snow-e2e.XXXXXX")
mkdir -p "$SCRATCH/results"
trap 'rm -rf "$SCRATCH"' EXIT INT TERM
JOBS=${SNOW_E2E_JOBS:-2}

cd "$ROOT"
E2E_DIR=${SNOW_E2E_DIR:-tests/e2e}
FAIL_DIR=tests/compile_fail
[ -n "${SNOW_E2E_DIR:-}" ] && FAIL_DIR=""
{
  # multi-module projects: directories holding expected.out
  find "$E2E_DIR" -name expected.out | sort | while read -r f; do
    printf 'proj %s\n' "$(dirname "$f")"
  done
  find "$E2E_DIR" \( -name '*.snow' -o -name '*.gen' \) | sort | while read -r f; do
    d=$(dirname "$f")
    inproj=0
    while [ "$d" != "$E2E_DIR" ] && [ "$d" != . ]; do
      [ -f "$d/expected.out" ] && inproj=1
      d=$(dirname "$d")
    done
    [ $inproj = 1 ] && continue
    if [ "${SNOW_E2E_ASAN:-0}" = 1 ] && [ -f "${f%.*}.noasan" ]; then continue; fi
    if [ "${SNOW_E2E_TSAN:-0}" = 1 ] && [ -f "${f%.*}.notsan" ]; then continue; fi
    printf 'file %s\n' "$f"
  done
  [ -n "$FAIL_DIR" ] && find "$FAIL_DIR" \( -name '*.snow' -o -name '*.gen' \) | sort | while read -r f; do
    printf 'fail %s\n' "$f"
  done
} >"$SCRATCH/cases"

ncases=$(wc -l <"$SCRATCH/cases")
xargs -P "$JOBS" -L 1 sh "$0" --case "$SCRATCH" "$SNOWC" <"$SCRATCH/cases"

passed=0 failed=0
for r in "$SCRATCH"/results/*; do
  [ -f "$r" ] || continue
  if head -1 "$r" | grep -q '^PASS '; then
    passed=$((passed + 1))
  else
    cat "$r"
    failed=$((failed + 1))
  fi
done
missing=$((ncases - passed - failed))
if [ $missing -gt 0 ]; then
  echo "FAIL: $missing case(s) produced no result"
  failed=$((failed + missing))
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
