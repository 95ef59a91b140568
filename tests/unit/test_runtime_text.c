/* test_runtime_text.c — the text and system library of the runtime
 * (string_lib.c, number_lib.c, io_lib.c, env.c, file.c): code-point
 * semantics on invalid bytes, parsing edge cases, list building across forced
 * collections, Option/Result layout, file and stdin errors that e2e programs
 * cannot produce (invalid UTF-8 contents), Env with invalid values. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "snow_rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void snow_gc_init_main(void *stack_base);
extern int snow_rt_argc;
extern char **snow_rt_argv;

#include "unit.h"

static SnowObj *S(const char *c) {
  return snow_string_new(c, strlen(c));
}
static SnowObj *SN(const char *c, size_t n) {
  return snow_string_new(c, n);
}
static int str_is(SnowObj *s, const char *expect) {
  return SNOW_PAYLOAD(s)[0] == strlen(expect) &&
         memcmp(SNOW_PAYLOAD(s) + 1, expect, strlen(expect)) == 0;
}
static int is_none(SnowWord w) {
  return w == 1;
}
/* Tag (0 Some/Ok, 1 Err) of a record sum value, -1 for an immediate. */
static int tag_of(SnowWord w) {
  return w < 4096 ? -1 : ((SnowObj *)w)->tag;
}
static SnowWord payload(SnowWord w) {
  return SNOW_PAYLOAD((SnowObj *)w)[0];
}
static uint64_t ptrmap(SnowWord w) {
  return ((SnowObj *)w)->ptrmap;
}
static double as_double(SnowWord w) {
  double d;
  memcpy(&d, &w, 8);
  return d;
}
static int some_int(SnowWord w, int64_t v) {
  return tag_of(w) == 0 && ptrmap(w) == 0 && (int64_t)payload(w) == v;
}
static int some_float(SnowWord w, double v) {
  return tag_of(w) == 0 && ptrmap(w) == 0 && as_double(payload(w)) == v;
}
static int ok_text(SnowWord w, const char *text) {
  return tag_of(w) == 0 && ptrmap(w) == 1 && str_is((SnowObj *)payload(w), text);
}
static int err_text(SnowWord w, const char *text) {
  return tag_of(w) == 1 && ptrmap(w) == 1 && str_is((SnowObj *)payload(w), text);
}
static int list_is(SnowObj *l, int n, const char *const *items) {
  if (snow_list_length(l) != n) return 0;
  for (int i = 0; i < n; i++)
    if (!str_is((SnowObj *)snow_list_at(l, i), items[i])) return 0;
  return 1;
}

static void test_invalid_bytes(void) {
  /* "a\xffb\xe2\x82" : a, one invalid byte, b, a truncated sequence (2 bytes) */
  SnowObj *s = SN("a\xff"
                  "b\xe2\x82",
                  5);
  CHECK(snow_string_length(s) == 5);
  CHECK(str_is(snow_string_slice(s, 1, 3), "\xff"
                                           "b"));
  CHECK(str_is(snow_string_to_upper(s), "A\xff"
                                        "B\xe2\x82"));
  const char *pieces[] = {"", "a", "\xff", "b", "\xe2", "\x82", ""};
  CHECK(list_is(snow_string_split(s, S("")), 7, pieces));
  CHECK(str_is(snow_string_replace(SN("\xff", 1), S(""), S("-")), "-\xff-"));
  /* overlong, surrogate and out-of-range sequences are invalid */
  CHECK(snow_string_length(SN("\xc0\x80", 2)) == 2);
  CHECK(snow_string_length(SN("\xed\xa0\x80", 3)) == 3);
  CHECK(snow_string_length(SN("\xf4\x90\x80\x80", 4)) == 4);
  CHECK(snow_string_length(S("\xf0\x9f\x98\x80")) == 1);
}

static void test_strings(void) {
  CHECK(str_is(snow_string_slice(S("Grüße"), 1, 4), "rüß"));
  CHECK(str_is(snow_string_slice(S("abc"), INT64_MIN, INT64_MAX), "abc"));
  CHECK(str_is(snow_string_slice(S("abc"), INT64_MAX, INT64_MIN), ""));
  CHECK(snow_string_contains(S("héllo"), S("llo")) == 1);
  CHECK(snow_string_contains(S("ab"), S("abc")) == 0);
  CHECK(snow_string_starts_with(S(""), S("")) == 1);
  CHECK(snow_string_ends_with(S("a"), S("ba")) == 0);
  CHECK(str_is(snow_string_trim(S("\xc2\x85 x \xe3\x80\x80")), "x"));
  CHECK(str_is(snow_string_trim(S("\xe2\x80\x8bx")), "\xe2\x80\x8bx")); /* U+200B kept */
  CHECK(str_is(snow_string_to_upper(S("straße")), "STRASSE"));
  CHECK(str_is(snow_string_to_lower(S("ΣΑΣ")), "σας"));
  CHECK(str_is(snow_string_to_lower(S("Σ")), "σ")); /* no preceding letter */
  CHECK(str_is(snow_string_to_lower(S("İ")), "i\xcc\x87"));
  CHECK(str_is(snow_string_replace(S("aaaa"), S("aa"), S("b")), "bb"));
  CHECK(str_is(snow_string_replace(S(""), S(""), S("-")), "-"));
  const char *aaa[] = {"", "a"};
  CHECK(list_is(snow_string_split(S("aaa"), S("aa")), 2, aaa));
  const char *none[] = {""};
  CHECK(list_is(snow_string_split(S(""), S(",")), 1, none));
  CHECK(str_is(snow_string_join(snow_list_empty(), S("-")), ""));
}

static void test_lists_survive_collections(void) {
  /* 5000 pieces: the split allocates far past the nursery budget */
  size_t n = 5000;
  char *text = malloc(n * 2);
  for (size_t i = 0; i < n; i++)
    text[2 * i] = (char)('a' + i % 26), text[2 * i + 1] = ',';
  SnowObj *volatile src = SN(text, n * 2 - 1);
  for (int round = 0; round < 20; round++) {
    SnowObj *volatile parts = snow_string_split(src, S(","));
    snow_gc_collect();
    int ok = snow_list_length(parts) == (int64_t)n;
    for (size_t i = 0; ok && i < n; i++) {
      char expect[2] = {(char)('a' + i % 26), 0};
      ok = str_is((SnowObj *)snow_list_at(parts, (int64_t)i), expect);
    }
    CHECK(ok);
    SnowObj *joined = snow_string_join(parts, S(","));
    CHECK(snow_string_eq(joined, src));
  }
  free(text);
}

static void test_parsing(void) {
  CHECK(some_int(snow_string_to_int(S(" -9223372036854775808 ")), INT64_MIN));
  CHECK(some_int(snow_string_to_int(S("00000000000000000000000042")), 42));
  CHECK(is_none(snow_string_to_int(S("-9223372036854775809"))));
  CHECK(is_none(snow_string_to_int(S("18446744073709551616"))));
  CHECK(is_none(snow_string_to_int(S("\xff"
                                     "1"))));
  CHECK(is_none(snow_string_to_int(SN("1\0", 2))));
  CHECK(some_float(snow_string_to_float(S("0.1")), 0.1));
  CHECK(some_float(snow_string_to_float(S("2.2250738585072011e-308")), 2.2250738585072011e-308));
  CHECK(some_float(snow_string_to_float(S("-1e400")), -INFINITY));
  CHECK(some_float(snow_string_to_float(S("INFINITY")), INFINITY));
  SnowWord nan = snow_string_to_float(S("nAn"));
  CHECK(tag_of(nan) == 0 && isnan(as_double(payload(nan))));
  CHECK(is_none(snow_string_to_float(S("1e5x"))));
  CHECK(is_none(snow_string_to_float(S("+-1"))));
  CHECK(is_none(snow_string_to_float(S("in f"))));
}

static void test_math(void) {
  CHECK(snow_math_abs_int(INT64_MIN) == INT64_MIN);
  CHECK(snow_math_abs_int(-3) == 3);
  CHECK(signbit(snow_math_abs_float(-0.0)) == 0);
  CHECK(snow_math_min_float(NAN, 1.0) == 1.0 && snow_math_max_float(2.0, NAN) == 2.0);
  CHECK(isnan(snow_math_min_float(NAN, NAN)));
  CHECK(snow_math_round(2.5) == 3 && snow_math_round(-2.5) == -3 &&
        snow_math_round(0.49999999999999994) == 0);
  CHECK(snow_math_floor(NAN) == 0 && snow_math_ceil(INFINITY) == INT64_MAX);
  CHECK(snow_math_floor(-INFINITY) == INT64_MIN && snow_math_round(9.3e18) == INT64_MAX);
  CHECK(snow_math_pow(NAN, 0.0) == 1.0 && isnan(snow_math_pow(-2.0, 0.5)));
}

static void test_files_and_env(void) {
  char dir[] = "/tmp/snow_text_unitXXXXXX";
  if (!mkdtemp(dir)) {
    CHECK(0);
    return;
  }
  char path[128];
  snprintf(path, sizeof path, "%s/bad.txt", dir);
  FILE *f = fopen(path, "wb");
  fputs("ok\xff\n", f);
  fclose(f);
  CHECK(err_text(snow_file_read(S(path)), "stream did not contain valid UTF-8"));
  SnowWord w = snow_file_write(S(path), S("héllo"));
  CHECK(tag_of(w) == 0 && payload(w) == 0 && ptrmap(w) == 0);
  CHECK(ok_text(snow_file_read(S(path)), "héllo"));
  CHECK(err_text(snow_file_read(SN("a\0b", 3)), "Invalid argument (os error 22)"));
  CHECK(snow_file_exists(SN(path, strlen(path) + 1)) == 0); /* embedded NUL */
  CHECK(err_text(snow_file_delete(S(dir)), "Is a directory (os error 21)"));
  CHECK(tag_of(snow_file_delete(S(path))) == 0);
  rmdir(dir);

  /* stdin: CRLF, invalid UTF-8, EOF repeated */
  char in[128];
  snprintf(in, sizeof in, "%s.stdin", dir);
  f = fopen(in, "wb");
  fputs("one\r\n\xfe\nlast", f);
  fclose(f);
  if (freopen(in, "rb", stdin)) {
    CHECK(ok_text(snow_io_read_line(), "one"));
    CHECK(err_text(snow_io_read_line(), "stream did not contain valid UTF-8"));
    CHECK(ok_text(snow_io_read_line(), "last"));
    CHECK(ok_text(snow_io_read_line(), ""));
    CHECK(ok_text(snow_io_read_line(), ""));
  } else {
    CHECK(0);
  }
  unlink(in);
  /* a read error is the OS error text (stdin opened on a directory) */
  if (freopen("/", "rb", stdin)) {
    CHECK(err_text(snow_io_read_line(), "Is a directory (os error 21)"));
    CHECK(err_text(snow_io_read_line(), "Is a directory (os error 21)"));
  } else {
    CHECK(0);
  }

  setenv("SNOW_TEXT_UNIT_BAD", "x\xff", 1);
  setenv("SNOW_TEXT_UNIT_EMPTY", "", 1);
  CHECK(is_none(snow_env_get(S("SNOW_TEXT_UNIT_BAD"))));
  CHECK(ok_text(snow_env_get(S("SNOW_TEXT_UNIT_EMPTY")), "")); /* Some("") has Ok's layout */
  CHECK(is_none(snow_env_get(SN("SNOW_TEXT_UNIT_EMPTY\0x", 22))));
  char *argv[] = {"prog", "a", "", "é", NULL};
  snow_rt_argc = 4, snow_rt_argv = argv;
  const char *args[] = {"a", "", "é"};
  CHECK(list_is(snow_env_args(), 3, args));
  snow_rt_argc = 1;
  CHECK(snow_list_length(snow_env_args()) == 0);
}

int main(void) {
  snow_gc_init_main(__builtin_frame_address(0));
  test_invalid_bytes();
  test_strings();
  test_lists_survive_collections();
  test_parsing();
  test_math();
  test_files_and_env();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
