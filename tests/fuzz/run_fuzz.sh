#!/bin/sh
# run_fuzz.sh [SECONDS] — builds tests/fuzz/fuzz_frontend.c with clang-19 and
# -fsanitize=fuzzer,address,undefined into build-fuzz/ (the sources before LLVM:
# lexer, parser, diagnostics, checker, IR lowering) and runs it for a bounded time (default
# 60 s; also FUZZ_SECONDS) with a seed corpus made of every tests/**/*.snow file.
# New interesting inputs are kept in build-fuzz/corpus; crashes are written to
# build-fuzz/crash-* and make the script fail.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SECONDS_TO_RUN=${1:-${FUZZ_SECONDS:-60}}
CLANG=${CLANG:-clang-19}
OUT=build-fuzz
mkdir -p "$OUT/corpus" "$OUT/seeds"

SRCS="$(find compiler/lex compiler/syntax compiler/diag compiler/check compiler/common compiler/util compiler/ir \
  -name '*.c' | sort) compiler/codegen/rt_decls.c"
echo "building $OUT/fuzz_frontend"
# shellcheck disable=SC2086
$CLANG -std=gnu17 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=undefined -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
  -o "$OUT/fuzz_frontend" tests/fuzz/fuzz_frontend.c $SRCS -lm

# seed corpus: every Snow file of the test suite (and examples)
i=0
find tests examples -name '*.snow' 2>/dev/null | sort | while read -r f; do
  i=$((i + 1))
  cp "$f" "$OUT/seeds/seed_$i.snow"
done

echo "fuzzing for ${SECONDS_TO_RUN}s"
cd "$OUT"
./fuzz_frontend -max_total_time="$SECONDS_TO_RUN" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 corpus seeds
