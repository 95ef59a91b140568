#!/usr/bin/env bash
# bench/run.sh — run Snow's benchmarks side by side with the peers (C, Go,
# Erlang in /work/shared/bench/peers) and print one comparison table:
# compute (fib, trees: bench/compute/, peers compute.{c,go,erl}) and actors
# (skynet, ring, spawn, pingpong: bench/actors/, peers actors.{go,erl}).
#
#   bench/run.sh [--fib N] [--trees N] [--skynet N] [--ring N] [--laps M]
#                [--spawn N] [--pingpong N] [--runs N] [--only "fib ring"]
#   (or FIB_N=.. TREES_N=.. SKYNET_N=.. RING_N=.. RING_LAPS=.. SPAWN_N=..
#    PINGPONG_N=.. BENCH_RUNS=.. BENCH_ONLY=.. bench/run.sh; `make bench`)
#
# Every program is timed the same way, from outside: wall time of the whole
# process (bash's EPOCHREALTIME around it), CPU time and max RSS
# (/usr/bin/time), because Snow cannot read a clock yet.
# The peers' self-reported elapsed_ms (compute only, no start-up) is shown too.
# Each program runs --runs times (default 3); the table shows the fastest run
# and the largest RSS seen. All languages must print the same result, else the
# script reports MISMATCH and exits 1. Missing peer toolchains are installed
# through apt; a language whose toolchain cannot be installed is skipped with
# a note. Intermediate files go to build/bench/.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS_DIR:-/work/shared/bench/peers}
OUT=$ROOT/build/bench
SNOWC=$ROOT/build/snowc
FIB_N=${FIB_N:-35}
TREES_N=${TREES_N:-18}
RUNS=${BENCH_RUNS:-3}
SKYNET_N=${SKYNET_N:-1000000}
RING_N=${RING_N:-1000}
RING_LAPS=${RING_LAPS:-1000}
SPAWN_N=${SPAWN_N:-1000000}
PINGPONG_N=${PINGPONG_N:-1000000}
ONLY=${BENCH_ONLY:-fib trees skynet ring spawn pingpong}

while [ $# -gt 0 ]; do
  case "$1" in
    --fib) FIB_N=$2; shift 2 ;;
    --trees) TREES_N=$2; shift 2 ;;
    --skynet) SKYNET_N=$2; shift 2 ;;
    --ring) RING_N=$2; shift 2 ;;
    --laps) RING_LAPS=$2; shift 2 ;;
    --spawn) SPAWN_N=$2; shift 2 ;;
    --pingpong) PINGPONG_N=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in "$FIB_N" "$TREES_N" "$SKYNET_N" "$RING_N" "$RING_LAPS" "$SPAWN_N" "$PINGPONG_N" "$RUNS"; do
  case "$v" in ''|*[!0-9]*) echo "run.sh: sizes and --runs must be non-negative integers" >&2; exit 2 ;; esac
done
[ "$RUNS" -ge 1 ] || { echo "run.sh: --runs must be at least 1" >&2; exit 2; }

note() { echo "bench: $*" >&2; }
size_of() {
  case "$1" in
    fib) echo "$FIB_N" ;; trees) echo "$TREES_N" ;; skynet) echo "$SKYNET_N" ;;
    ring) echo "$RING_N" ;; spawn) echo "$SPAWN_N" ;; pingpong) echo "$PINGPONG_N" ;;
  esac
}
# kind_of BENCH: compute (peers compute.*) or actors (peers actors.*, no C peer).
kind_of() { case "$1" in fib|trees) echo compute ;; *) echo actors ;; esac; }
# extra_args BENCH: peer arguments after the size (ring's laps).
extra_args() { case "$1" in ring) echo "$RING_LAPS" ;; esac; }

# ---------------------------------------------------------------- toolchains
SUDO=
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
fi
APT_UPDATED=0

# apt_candidate PKG: prints the installable version of PKG, empty when none.
apt_candidate() {
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

# ensure_tool CMD PKG...: make CMD available, installing the first package
# with an apt candidate. Returns nonzero (and says why) when that fails.
ensure_tool() {
  local cmd=$1; shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    note "'$cmd' missing and apt-get is not available"; return 1
  fi
  if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then
    note "'$cmd' missing; not root and no sudo to install $*"; return 1
  fi
  local pkg chosen=''
  for pkg in "$@"; do
    if [ -z "$(apt_candidate "$pkg")" ] && [ "$APT_UPDATED" = 0 ]; then
      note "apt-get update (no candidate for $pkg yet)"
      $SUDO apt-get update -qq >/dev/null 2>&1; APT_UPDATED=1
    fi
    if [ -n "$(apt_candidate "$pkg")" ]; then chosen=$pkg; break; fi
  done
  if [ -z "$chosen" ]; then note "'$cmd' missing and none of [$*] is installable"; return 1; fi
  note "installing $chosen (for '$cmd') through apt"
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$chosen" >"$OUT/apt-$chosen.log" 2>&1; then
    note "apt-get install $chosen failed (log: $OUT/apt-$chosen.log)"; return 1
  fi
  command -v "$cmd" >/dev/null 2>&1 || { note "$chosen installed but '$cmd' still missing"; return 1; }
}

mkdir -p "$OUT"
ensure_tool /usr/bin/time time || { note "/usr/bin/time is required to measure wall time and RSS"; exit 1; }

LANGS=""
SKIPPED=""
skip() { SKIPPED="$SKIPPED$1: $2"$'\n'; note "skipping $1: $2"; }

# ----------------------------------------------------------------- building
# Snow: no Env.args yet, so the size is baked in. Build a copy of each program
# with its `let size = N` line set to the requested size.
build_snow() {
  if [ ! -x "$SNOWC" ]; then
    (cd "$ROOT" && make -s all) >"$OUT/snow-make.log" 2>&1 || { skip snow "make failed (see $OUT/snow-make.log)"; return 1; }
  fi
  local b src dst
  for b in $ONLY; do
    src=$ROOT/bench/$(kind_of "$b")/$b
    dst=$OUT/snow-src/$b
    rm -rf "$dst"; mkdir -p "$dst"
    cp "$src"/*.snow "$dst"/
    grep -q '^  let size = [0-9]*$' "$dst/main.snow" || { skip snow "$src/main.snow has no 'let size = N' line"; return 1; }
    sed -i "s/^  let size = [0-9]*\$/  let size = $(size_of "$b")/" "$dst/main.snow"
    sed -i "s/^  let laps = [0-9]*\$/  let laps = $RING_LAPS/" "$dst/main.snow"
    if ! "$SNOWC" build "$dst" --opt-level 2 -o "$OUT/snow-$b" >"$OUT/snow-$b.build.log" 2>&1; then
      skip snow "snowc build of $b failed (see $OUT/snow-$b.build.log)"; return 1
    fi
  done
}

build_c() {
  ensure_tool cc gcc || { skip c "no C compiler"; return 1; }
  cc -O2 -o "$OUT/compute-c" "$PEERS/compute.c" 2>"$OUT/c.build.log" || { skip c "cc failed (see $OUT/c.build.log)"; return 1; }
}

build_go() {
  ensure_tool go golang-go || { skip go "toolchain not installable"; return 1; }
  mkdir -p "$OUT/go-cache" "$OUT/go-path"
  GOCACHE=$OUT/go-cache GOPATH=$OUT/go-path GO111MODULE=off \
    go build -o "$OUT/compute-go" "$PEERS/compute.go" 2>"$OUT/go.build.log" || { skip go "go build failed (see $OUT/go.build.log)"; return 1; }
  GOCACHE=$OUT/go-cache GOPATH=$OUT/go-path GO111MODULE=off \
    go build -o "$OUT/actors-go" "$PEERS/actors.go" 2>>"$OUT/go.build.log" || { skip go "go build failed (see $OUT/go.build.log)"; return 1; }
}

build_erlang() {
  ensure_tool erlc erlang-base erlang-nox || { skip erlang "toolchain not installable"; return 1; }
  command -v erl >/dev/null 2>&1 || { skip erlang "erlc present but erl missing"; return 1; }
  mkdir -p "$OUT/erl"
  erlc -o "$OUT/erl" "$PEERS/compute.erl" "$PEERS/actors.erl" 2>"$OUT/erl.build.log" || { skip erlang "erlc failed (see $OUT/erl.build.log)"; return 1; }
}

# command_for LANG BENCH N: the command line that runs one benchmark (empty
# when LANG has no program for it: C has no actor peer).
command_for() {
  local kind args
  kind=$(kind_of "$2")
  args="$2 $3 $(extra_args "$2")"
  case "$1" in
    snow) echo "$OUT/snow-$2" ;;
    c) [ "$kind" = compute ] && echo "$OUT/compute-c $args" ;;
    go) echo "$OUT/$kind-go $args" ;;
    erlang) echo "erl +P 5000000 -noshell -pa $OUT/erl -run $kind main $args -s init stop" ;;
  esac
}

for lang in snow c go erlang; do
  if build_$lang; then LANGS="$LANGS $lang"; fi
done
[ -n "$LANGS" ] || { note "nothing to run"; exit 1; }

# ------------------------------------------------------------------ running
# One row per (bench, lang): size, result, best wall seconds, max RSS KB,
# elapsed_ms of the best run, status, CPU seconds of the best run.
ROWS=$OUT/rows.tsv
: >"$ROWS"
for b in $ONLY; do
  n=$(size_of "$b")
  for lang in $LANGS; do
    cmd=$(command_for "$lang" "$b" "$n")
    [ -n "$cmd" ] || continue
    best='' cpu='' rss=0 result='' selfms='' status=ok
    for ((i = 1; i <= RUNS; i++)); do
      t0=$EPOCHREALTIME
      if ! /usr/bin/time -f '%U %S %M' -o "$OUT/time.txt" $cmd >"$OUT/out.txt" 2>"$OUT/err.txt"; then
        status="exit-failure"; note "$lang $b failed: $(tail -n 3 "$OUT/err.txt" | tr '\n' ' ')"; break
      fi
      t1=$EPOCHREALTIME
      secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
      line=$(grep "^$b result=" "$OUT/out.txt" | tail -n 1)
      [ -n "$line" ] || { status="no-result-line"; note "$lang $b printed: $(head -c 200 "$OUT/out.txt")"; break; }
      r=$(sed -n 's/.* result=\([^ ]*\).*/\1/p' <<<"$line")
      ms=$(sed -n 's/.* elapsed_ms=\([^ ]*\).*/\1/p' <<<"$line")
      read -r usr sys kb <"$OUT/time.txt"
      if [ -n "$result" ] && [ "$r" != "$result" ]; then status="unstable-result"; fi
      result=$r
      [ "$kb" -gt "$rss" ] && rss=$kb
      if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
        best=$secs; selfms=$ms; cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
      fi
    done
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$b" "$n" "$lang" "${result:--}" "${best:--}" "$rss" "${selfms:--}" "$status" "${cpu:--}" >>"$ROWS"
  done
done

# ------------------------------------------------------------------- report
# Ratios are wall-time ratios: this row / fastest peer (C, Go, Erlang), and
# this row / C. Results must agree across all languages of a benchmark.
echo
echo "Snow benchmarks — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -m), best of $RUNS run(s)"
awk -F'\t' '
  { bench[NR] = $1; size[NR] = $2; lang[NR] = $3; res[NR] = $4; wall[NR] = $5
    rss[NR] = $6; self[NR] = $7; st[NR] = $8; cpu[NR] = $9
    if (st[NR] == "ok") {
      if ($3 != "snow" && (!($1 in fastest) || $5 + 0 < fastest[$1])) fastest[$1] = $5 + 0
      if ($3 == "c") { cwall[$1] = $5 + 0; ccpu[$1] = $9 + 0 }
      # only numeric results are compared: actors.erl reports `ok` for spawn and pingpong
      if ($4 ~ /^[0-9]+$/) { if (!($1 in want)) want[$1] = $4; else if (want[$1] != $4) bad[$1] = 1 }
    } }
  END {
    printf "%-8s %7s  %-7s %12s %8s %8s %8s %11s %9s %8s %8s  %s\n", "bench", "size", "lang", "result", "wall s", "cpu s", "RSS MB", "self ms", "vs best", "vs C", "cpu/C", "status"
    for (i = 1; i <= NR; i++) {
      vf = "-"; vc = "-"; cc = "-"
      if (st[i] == "ok" && (bench[i] in ccpu) && ccpu[bench[i]] > 0) cc = sprintf("%.2fx", cpu[i] / ccpu[bench[i]])
      if (st[i] == "ok" && (bench[i] in fastest) && fastest[bench[i]] > 0) vf = sprintf("%.2fx", wall[i] / fastest[bench[i]])
      if (st[i] == "ok" && (bench[i] in cwall) && cwall[bench[i]] > 0) vc = sprintf("%.2fx", wall[i] / cwall[bench[i]])
      s = st[i]; if (s == "ok" && (bench[i] in bad)) s = "MISMATCH"
      printf "%-8s %7s  %-7s %12s %8s %8s %8.1f %11s %9s %8s %8s  %s\n", bench[i], size[i], lang[i], res[i], wall[i], cpu[i], rss[i] / 1024, self[i], vf, vc, cc, s
    }
    for (b in bad) { printf "MISMATCH: languages disagree on the %s result\n", b; status = 1 }
    exit status
  }' "$ROWS"
agree=$?
[ -z "$SKIPPED" ] || printf '\nskipped:\n%s' "$SKIPPED"
echo "(wall s: whole process incl. start-up, measured around it; cpu s (user+sys) and RSS: from /usr/bin/time;"
echo " self ms: the program's own elapsed_ms, compute only; vs best: wall / fastest peer (C, Go, Erlang); vs C: wall / C;"
echo " cpu/C: cpu s / C's cpu s, steadier than wall on a loaded machine)"
if [ "$agree" != 0 ] || awk -F'\t' '$8 != "ok" { bad = 1 } END { exit !bad }' "$ROWS"; then exit 1; fi
exit 0
