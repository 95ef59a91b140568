#!/bin/sh
# driver_cli.sh BUILD_DIR — the snowc command line and project-level behaviour
# (tooling.md §1.1-§1.5, §1.10; language.md §8.6): help/version/usage errors,
# project checks, module discovery errors, import cycles, output paths,
# --emit-llvm/--emit-ir/-o/--json, `run` argument passing and exit statuses.
# Prints one line per failure and `N passed, N failed`.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SNOWC="$BUILD/snowc"
W=$(mktemp -d "${TMPDIR:-/tmp}/snow-cli.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
# a private TMPDIR, so that the check for left-behind temporary directories
# is not disturbed by other snowc runs on the machine
mkdir -p "$W/tmp"
export TMPDIR="$W/tmp"
cd "$W" || exit 1
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() {
  failed=$((failed + 1))
  echo "FAIL: $1"
  [ -f err ] && head -5 err | sed 's/^/    stderr: /'
}
# expect STATUS DESCRIPTION -- command...   (stdout -> out, stderr -> err)
expect() {
  want=$1 desc=$2
  shift 3
  "$@" >out 2>err
  st=$?
  if [ "$st" = "$want" ]; then ok; else bad "$desc: status $st, expected $want"; fi
}
has() { # has FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in $1"; fi
}
lacks() {
  if grep -qF -- "$2" "$1"; then bad "$3: unexpected '$2' in $1"; else ok; fi
}
empty() {
  if [ -s "$1" ]; then bad "$2: $1 not empty"; else ok; fi
}
project() { # project DIR [content of main.snow]
  mkdir -p "$1"
  printf '%s\n' "${2:-fn main() do
  println(\"hello from $1\")
end}" >"$1/main.snow"
}

# ---------------------------------------------------------------- help, version, usage
expect 0 "--version" -- "$SNOWC" --version
[ "$(cat out)" = "snowc 0.1.0" ] && ok || bad "--version text"
expect 0 "-V" -- "$SNOWC" -V
[ "$(cat out)" = "snowc 0.1.0" ] && ok || bad "-V text"
expect 0 "--help" -- "$SNOWC" --help
has out "Usage:" "--help usage line"
has out "build" "--help lists build"
empty err "--help prints nothing on stderr"
expect 0 "-h" -- "$SNOWC" -h
expect 0 "help build" -- "$SNOWC" help build
has out "--opt-level" "help build options"
expect 0 "build --help" -- "$SNOWC" build --help
has out "Usage: snowc build" "build --help usage"
expect 0 "repl --help" -- "$SNOWC" repl --help
has out "interactive" "repl help wording"
has out "REPL" "repl help wording"
expect 0 "lsp -h" -- "$SNOWC" lsp -h
expect 2 "no subcommand" -- "$SNOWC"
has err "error:" "no subcommand message"
has err "Usage:" "no subcommand usage"
empty out "no subcommand stdout"
expect 2 "unknown subcommand" -- "$SNOWC" frobnicate
has err "error:" "unknown subcommand message"
expect 2 "unknown option" -- "$SNOWC" build --frobnicate
has err "Usage:" "unknown option usage"
expect 2 "bad opt-level word" -- "$SNOWC" build --opt-level fast
expect 2 "opt-level 300" -- "$SNOWC" build --opt-level 300
expect 2 "second positional" -- "$SNOWC" build a b
expect 2 "--version after subcommand" -- "$SNOWC" build --version
expect 2 "build-only option on run" -- "$SNOWC" run --emit-llvm
expect 2 "init without name" -- "$SNOWC" init
expect 1 "unimplemented fmt" -- "$SNOWC" fmt
has err "error: 'fmt' is not implemented yet" "fmt message"

# ---------------------------------------------------------------- project checks (§8.6)
expect 1 "missing dir" -- "$SNOWC" build nowhere
[ "$(cat err)" = "error: Project directory 'nowhere' does not exist" ] && ok || bad "missing dir text"
touch plainfile
expect 1 "not a directory" -- "$SNOWC" build plainfile
[ "$(cat err)" = "error: 'plainfile' is not a directory" ] && ok || bad "not a dir text"
mkdir emptydir
expect 1 "no main.snow" -- "$SNOWC" build emptydir
[ "$(cat err)" = "error: No 'main.snow' found in 'emptydir'. Snow projects must have a main.snow entry point." ] && ok ||
  bad "no main.snow text"
expect 1 "no main.snow in ." -- sh -c "cd emptydir && '$SNOWC' build"
has err "No 'main.snow' found in '.'" "omitted dir shows ."
expect 1 "json project error" -- "$SNOWC" build nowhere --json
[ "$(cat err)" = '{"code":"C0001","severity":"error","message":"Project directory '"'"'nowhere'"'"' does not exist","file":"","spans":[],"fix":null}' ] &&
  ok || bad "json C0001 object"

project dup
echo 'pub fn f() = 1' >dup/user_db.snow
echo 'pub fn f() = 2' >dup/userDb.snow
expect 1 "duplicate module" -- "$SNOWC" build dup
[ "$(cat err)" = "error: Duplicate module name 'UserDb': 'dup/userDb.snow' and 'dup/user_db.snow'" ] && ok ||
  bad "duplicate module text"

project selfimp 'import Util
fn main() do
  println("x")
end'
printf 'import Util\npub fn f() = 1\n' >selfimp/util.snow
expect 1 "self import" -- "$SNOWC" build selfimp
[ "$(cat err)" = "error: Module 'Util' cannot import itself" ] && ok || bad "self import text"

project cyc 'import A
fn main() do
  println("x")
end'
printf 'import B\npub fn f() = 1\n' >cyc/a.snow
printf 'import C\npub fn g() = 1\n' >cyc/b.snow
printf 'import B\npub fn h() = 1 +\n' >cyc/c.snow
expect 1 "cycle" -- "$SNOWC" build cyc
[ "$(cat err)" = "error: Circular dependency: A -> B -> C -> B" ] && ok || bad "cycle text (reported before parse errors)"

project manifest_bad
printf '[package]\nname = "Bad"\nversion = "1"\n' >manifest_bad/snow.toml
expect 1 "invalid package name" -- "$SNOWC" build manifest_bad
has err "error: Invalid package name 'Bad' in manifest_bad/snow.toml: must start with a lowercase ASCII letter" \
  "invalid package name text"
printf '[package\n' >manifest_bad/snow.toml
expect 1 "broken manifest" -- "$SNOWC" build manifest_bad
has err "error: Failed to parse manifest:" "broken manifest text"

# ---------------------------------------------------------------- building
project shop
mkdir -p shop/.hidden shop/store
echo 'this is not snow' >shop/.hidden/ignored.snow
printf 'pub fn n() = 1\n' >shop/store/inventory_item.snow
expect 0 "build shop" -- "$SNOWC" build shop
[ "$(cat err)" = "  Compiled: shop/shop" ] && ok || bad "Compiled line"
empty out "build prints nothing on stdout"
[ -x shop/shop ] && ok || bad "shop/shop executable"
[ -e shop/shop.o ] && bad "object file left behind" || ok
[ "$(./shop/shop)" = "hello from shop" ] && ok || bad "shop output"

expect 0 "build with emit" -- "$SNOWC" build shop --emit-llvm --emit-ir --opt-level=2
printf '  LLVM IR: shop/shop.ll\n  Compiled: shop/shop\n' >want
cmp -s want err && ok || bad "LLVM IR + Compiled lines"
has shop/shop.ll "snow_println" "IR names snow_println"
has shop/shop.ll "define" "IR has definitions"
[ -s shop/shop.ir ] && ok || bad "typed IR written"

mkdir -p outdir
expect 0 "-o" -- "$SNOWC" build shop -o outdir/app.bin --emit-llvm
has err "  LLVM IR: outdir/app.ll" "-o LLVM IR path"
has err "  Compiled: outdir/app.bin" "-o Compiled path"
[ -x outdir/app.bin ] && ok || bad "-o executable"
expect 1 "-o into missing dir" -- "$SNOWC" build shop -o no/such/dir/app

expect 0 "build in cwd" -- sh -c "cd shop && '$SNOWC' build"
[ "$(cat err)" = "  Compiled: shop" ] && ok || bad "Compiled line without DIR"
expect 0 "build ." -- sh -c "cd shop && '$SNOWC' build ."
[ "$(cat err)" = "  Compiled: ./shop" ] && ok || bad "Compiled line for ."
expect 0 "trailing slash" -- "$SNOWC" build "$W/shop/"
[ "$(cat err)" = "  Compiled: $W/shop/shop" ] && ok || bad "Compiled line for absolute dir with slash"

printf '[package]\nname = "till"\nversion = "0.1.0"\n' >shop/snow.toml
expect 0 "manifest name" -- "$SNOWC" build shop
[ "$(cat err)" = "  Compiled: shop/till" ] && ok || bad "executable named after package"
rm shop/snow.toml

project noentry 'fn helper() = 1'
expect 1 "no main fn" -- "$SNOWC" build noentry
[ "$(cat err)" = "error: No 'main' function found in 'noentry/main.snow'" ] && ok || bad "no main text"
expect 1 "no main fn json" -- "$SNOWC" build noentry --json
[ "$(cat err)" = '{"code":"C0001","severity":"error","message":"No '"'"'main'"'"' function found in '"'"'noentry/main.snow'"'"'","file":"","spans":[],"fix":null}' ] &&
  ok || bad "no main json"

project typeerr 'fn main() do
  println(mesage)
end'
expect 1 "type error" -- "$SNOWC" build typeerr --no-color
has err "[E0004] Error: undefined variable: mesage" "E0004 headline"
has err "typeerr/main.snow:2:11" "E0004 location"
has err "error: Compilation failed due to errors above." "failure line"
if grep -q "$(printf '\033')" err; then bad "colour codes with --no-color"; else ok; fi
expect 1 "type error json" -- "$SNOWC" build typeerr --json
has err '"code":"E0004"' "json E0004"
has err '"file":"typeerr/main.snow"' "json file"
has err '"start":23,"end":29' "json byte offsets"
has err '{"code":"C0001","severity":"error","message":"Compilation failed due to errors above.","file":"","spans":[],"fix":null}' "json C0001 failure"
expect 1 "NO_COLOR" -- env NO_COLOR=1 "$SNOWC" build typeerr
if grep -q "$(printf '\033')" err; then bad "colour codes with NO_COLOR"; else ok; fi

project warnjson 'fn f(x) do
  case x do
    _ -> "any"
    1 -> "one"
  end
end

fn main() do
  let n :: Int = 2.5
  println(f(n))
end'
expect 1 "json error with fix" -- "$SNOWC" build warnjson --json
has err '"code":"E0001"' "json E0001"
has err '"fix":"use Int conversion"' "json fix text"
has err '"label":"expected Int from annotation"' "json label"
has err '"code":"W0001","severity":"warning"' "json warning severity"
if grep -q '"code":"W0001"' err && grep -q '"code":"E0001"' err; then
  w=$(grep -n '"code":"W0001"' err | cut -d: -f1)
  e=$(grep -n '"code":"E0001"' err | cut -d: -f1)
  [ "$e" -lt "$w" ] && ok || bad "errors of a module before its warnings"
fi
project warnonly 'fn f(x) do
  case x do
    _ -> "any"
    1 -> "one"
  end
end

fn main() do
  println(f(1))
end'
expect 0 "warnings do not fail the build" -- "$SNOWC" build warnonly --no-color
has err "[W0001] Warning: redundant match arm (arm 2)" "W0001 header"
has err "  Compiled: warnonly/warnonly" "Compiled after warnings"
expect 0 "json warnings" -- "$SNOWC" build warnonly --json
has err '"severity":"warning"' "json warning"
has err "  Compiled: warnonly/warnonly" "plain Compiled line in json mode"

project parseerr 'import Zed
fn main() do
  let x = 1 +
end'
printf 'pub fn f( = 1\n' >parseerr/zed.snow
expect 1 "parse errors in two modules" -- "$SNOWC" build parseerr --no-color
has err "Error: Parse error" "parse error header"
has err "parseerr/main.snow:" "parse error of main"
has err "parseerr/zed.snow:" "parse error of the other module"
line_other=$(grep -n "parseerr/zed.snow" err | head -1 | cut -d: -f1)
line_main=$(grep -n "parseerr/main.snow" err | head -1 | cut -d: -f1)
[ -n "$line_other" ] && [ -n "$line_main" ] && [ "$line_other" -lt "$line_main" ] && ok ||
  bad "diagnostics in compilation order (Zed before Main)"
# language.md §8.1: type-checking diagnostics per module in dependency order,
# whichever phase found them (Main's E0028 is found while declaring, before
# Util's body error, but Util is checked first)
project phaseorder 'import Util

struct P do
  x :: Int
end deriving(Show)

fn main() do
  println("${Util.twice(1)}")
end'
printf 'pub fn twice(x :: Int) -> Int do\n  x + "a"\nend\n' >phaseorder/util.snow
expect 1 "type errors in two modules" -- "$SNOWC" build phaseorder --no-color
line_util=$(grep -n "phaseorder/util.snow" err | head -1 | cut -d: -f1)
line_main=$(grep -n "phaseorder/main.snow" err | head -1 | cut -d: -f1)
[ -n "$line_util" ] && [ -n "$line_main" ] && [ "$line_util" -lt "$line_main" ] && ok ||
  bad "declaration and body diagnostics per module in dependency order (Util before Main)"

# language.md §3.4/§5.12: `M.T.m` names a pub type T of the imported module M;
# a private T is E0035, a missing one E0034 (and nothing else about the call)
project typepath 'import Garden

fn main() do
  let x = Garden.Secret.make()
  let y = Garden.Nope.from_row(%{})
  println("${x} ${y}")
end'
printf 'struct Secret do\n  v :: Int\nend\n' >typepath/garden.snow
expect 1 "module-qualified type paths" -- "$SNOWC" build typepath --no-color
has err "\`Secret\` is private in module \`Garden\`" "E0035 for a private type in M.T.m"
has err "\`Nope\` is not exported by module \`Garden\`" "E0034 for a missing type in M.T.m"
lacks err "E0030" "no E0030 after E0034 in M.T.m"
expect 1 "parse error json" -- "$SNOWC" build parseerr --json
has err '"code":"P0001"' "json P0001"
has err '"message":"Parse error: ' "json parse message"

expect 0 "explicit host triple" -- "$SNOWC" build shop --target x86_64-unknown-linux-gnu
if [ "$(uname -m)" = x86_64 ]; then
  # a foreign triple: the IR is written before linking, which the host cc cannot do
  expect 1 "foreign target" -- "$SNOWC" build shop --target aarch64-unknown-linux-gnu --emit-llvm -o "$W/shop/arm"
  has "$W/shop/arm.ll" "aarch64-unknown-linux-gnu" "foreign triple in the IR"
  has err "  LLVM IR: $W/shop/arm.ll" "IR line before the link failure"
  has err "error: Linking failed:" "link failure reported"
fi
expect 1 "bad target" -- "$SNOWC" build shop --target not-a-real-triple
has err "error: Invalid target triple 'not-a-real-triple'" "invalid triple"

# ---------------------------------------------------------------- build time
# tooling.md §1.4.9: a few hundred lines at --opt-level 0 should build well under
# 5 s. Generated: 100 functions calling each other plus main (about 400 lines);
# the limit here is generous (15 s) so that a loaded machine does not fail it.
mkdir -p big
awk 'BEGIN {
  for (i = 0; i < 100; i++) {
    printf "fn f%d(x :: Int) -> Int do\n", i
    if (i == 0) printf "  x + 1\n"; else printf "  let y = f%d(x) * 2\n  if y > 1000000 do y %% 1000 else y + %d end\n", i - 1, i
    printf "end\n"
  }
  printf "fn main() do\n  println(\"${f99(1)}\")\nend\n"
}' >big/main.snow
start=$(date +%s)
expect 0 "build ~400 lines" -- "$SNOWC" build big
end=$(date +%s)
[ $((end - start)) -le 15 ] && ok || bad "building ~400 lines took $((end - start)) s"
[ -x big/big ] && [ "$(./big/big)" = 802715 ] && ok || bad "big program output (f99(1) = 802715)"

# ---------------------------------------------------------------- run
project runner 'fn main() do
  println("running")
end'
expect 0 "run" -- "$SNOWC" run runner
[ "$(cat out)" = "running" ] && ok || bad "run output"
has err "  Compiled: runner/runner" "run Compiled line"

project panicky 'fn main() do
  println("before")
  let z = 0
  println("${1 / z}")
end'
expect 134 "run passes panic status" -- "$SNOWC" run panicky
[ "$(cat out)" = "before" ] && ok || bad "output before panic"
has err "Snow panic: division by zero" "panic message"

cat >single.snow <<'EOF'
fn main() do
  println("single file")
end
EOF
expect 0 "run FILE.snow" -- "$SNOWC" run single.snow
[ "$(cat out)" = "single file" ] && ok || bad "single file output"
[ -e single ] && bad "single-file run left an executable in cwd" || ok
ls "${TMPDIR:-/tmp}" | grep -q "^snowc-run-" && bad "temporary directory left behind" || ok
expect 1 "run missing FILE.snow" -- "$SNOWC" run --no-color broken.snow
cat >broken.snow <<'EOF'
fn main() do
  println(nope)
end
EOF
expect 1 "run FILE.snow type error" -- "$SNOWC" run --no-color broken.snow
has err "broken.snow:2:11" "single-file diagnostics name the file"
expect 2 "run usage error" -- "$SNOWC" run --opt-level x single.snow

# the example of the README builds and runs (output kept out of the repository)
expect 0 "examples/hello" -- "$SNOWC" run "$ROOT/examples/hello" -o "$W/hello_example"
[ "$(head -1 out)" = "Hello from Snow!" ] && ok || bad "examples/hello output"
has out "counted to 1000000" "examples/hello tail call"
expect 0 "examples/workers" -- "$SNOWC" run "$ROOT/examples/workers" -o "$W/workers_example"
[ "$(cat out)" = "sum of squares 1..4: 30
jobs: [Ok(1), Ok(4), Ok(9), Ok(16), Ok(25)]
fragile got 7" ] && ok || bad "examples/workers output"

# a program killed by a signal: 128 + signal number (here the shell's own kill)
project sleeper 'fn spin(n) = spin(n + 1)
fn main() do
  println("spinning")
  spin(0)
end'
"$SNOWC" build sleeper >/dev/null 2>&1
"$SNOWC" run sleeper >out 2>err &
pid=$!
sleep 3
child=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | cut -d' ' -f1)
if [ -n "$child" ]; then
  kill -TERM "$child"
else # never hang the suite: end the spinning program and snowc
  pkill -KILL -P "$pid"
  kill -KILL "$pid"
fi
wait $pid
st=$?
[ "$st" = 143 ] && ok || bad "killed program gives 128+15 (got $st)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
