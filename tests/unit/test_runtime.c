/* test_runtime.c — runtime core: float text, hashing, strings, scalar text,
 * lists (all functions, edge cases, panics in forked children), output. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "snow_rt.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

void snow_gc_init_main(void *stack_base);

#if defined(__SANITIZE_ADDRESS__)
#define RUNTIME_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RUNTIME_TEST_ASAN 1
#endif
#endif
#ifndef RUNTIME_TEST_ASAN
#define RUNTIME_TEST_ASAN 0
#endif

#include "unit.h"

static const char *str_c(SnowObj *s) { return (const char *)(SNOW_PAYLOAD(s) + 1); }
static uint64_t str_len(SnowObj *s) { return SNOW_PAYLOAD(s)[0]; }
static SnowObj *S(const char *c) { return snow_string_new(c, strlen(c)); }
static int str_is(SnowObj *s, const char *expect) {
  return str_len(s) == strlen(expect) && memcmp(str_c(s), expect, str_len(s)) == 0;
}

/* ---------------------------------------------------------------- floats */

static void check_float(double v, const char *expect) {
  char buf[64];
  int n = snow_format_float(v, buf);
  int ok = n == (int)strlen(expect) && strcmp(buf, expect) == 0;
  if (!ok) fprintf(stderr, "format_float(%.17g) = '%s', expected '%s'\n", v, buf, expect);
  CHECK(ok);
  CHECK(str_is(snow_float_to_string(v), expect));
}

/* Number of significant digits of a §7.2 text (mantissa part). */
static int sig_digits(const char *t) {
  int n = 0, started = 0, trailing = 0;
  for (const char *c = t; *c && *c != 'e'; c++) {
    if (*c < '0' || *c > '9') continue;
    if (*c != '0') started = 1;
    if (!started) continue;
    n++;
    trailing = *c == '0' ? trailing + 1 : 0;
  }
  return n - trailing;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void test_floats(void) {
  check_float(3.0, "3.0");
  check_float(100.0, "100.0");
  check_float(2.5, "2.5");
  check_float(-2.5, "-2.5");
  check_float(0.1 + 0.2, "0.30000000000000004");
  check_float(1.0 / 3.0, "0.3333333333333333");
  check_float(2.0 / 3.0, "0.6666666666666666");
  check_float(123456789.125, "123456789.125");
  check_float(1.0e15, "1000000000000000.0");
  check_float(1.0e16, "1e16");
  check_float(1.0e21, "1e21");
  check_float(1000000.0 * 1000000.0 * 1000000.0 * 1000.0, "1e21");
  check_float(1.0e100, "1e100");
  check_float(0.00001, "0.00001");
  check_float(0.0001, "0.0001");
  check_float(1.0e-7, "1e-7");
  check_float(1.5e-7, "1.5e-7");
  check_float(1.0 / 4000000.0, "2.5e-7");
  check_float(5e-324, "5e-324");
  check_float(0.0, "0.0");
  check_float(-0.0, "-0.0");
  check_float(0.0 * -1.0, "-0.0");
  check_float(NAN, "NaN");
  check_float(-NAN, "NaN");
  check_float(INFINITY, "inf");
  check_float(-INFINITY, "-inf");
  check_float(1.0, "1.0");
  check_float(19.0, "19.0");
  check_float(21.5, "21.5");
  check_float(0.5, "0.5");
  check_float(0.1, "0.1");
  check_float(3.141592653589793, "3.141592653589793");
  check_float(sqrt(2.0), "1.4142135623730951");
  check_float(1.7976931348623157e308, "1.7976931348623157e308");
  check_float(2.2250738585072014e-308, "2.2250738585072014e-308");
  check_float(9007199254740993.0, "9007199254740992.0");
  check_float(1.2345e16, "1.2345e16");
  check_float(9999999999999998.0, "9999999999999998.0");
  check_float(-123.0e-10, "-1.23e-8");
  check_float(5e-5, "0.00005");
  check_float(1.25e-5, "0.0000125");
  check_float(9.5e-6, "9.5e-6");
  check_float(2.0e-323, "2e-323");
  check_float(4.35e-322, "4.35e-322");
  check_float(5.0e22, "5e22");
  check_float(9.007199254740992e15, "9007199254740992.0");
  check_float(1.0e23, "1e23");

  /* random bit patterns: the text reads back exactly, no shorter text does */
  int roundtrip_ok = 1, shortest_ok = 1;
  for (int i = 0; i < 20000; i++) {
    uint64_t bits = rng();
    double v;
    memcpy(&v, &bits, 8);
    if (isnan(v) || isinf(v)) continue;
    char buf[64];
    snow_format_float(v, buf);
    double back = strtod(buf, NULL);
    if (memcmp(&back, &v, 8) != 0) {
      if (roundtrip_ok) fprintf(stderr, "round trip failed: %.17g -> %s\n", v, buf);
      roundtrip_ok = 0;
    }
    int digits = sig_digits(buf);
    if (digits > 1) { /* no text with fewer digits reads back */
      char shorter[64];
      snprintf(shorter, sizeof shorter, "%.*e", digits - 2, fabs(v));
      if (strtod(shorter, NULL) == fabs(v)) {
        if (shortest_ok) fprintf(stderr, "not shortest: %s vs %s\n", buf, shorter);
        shortest_ok = 0;
      }
    }
  }
  CHECK(roundtrip_ok);
  CHECK(shortest_ok);
  /* random "nice" decimals: value = k * 10^e keeps its short text */
  int nice_ok = 1;
  for (int i = 0; i < 5000; i++) {
    char src[64];
    snprintf(src, sizeof src, "%llue%d", (unsigned long long)(rng() % 100000), (int)(rng() % 60) - 30);
    double v = strtod(src, NULL);
    char buf[64];
    snow_format_float(v, buf);
    if (strtod(buf, NULL) != v) nice_ok = 0;
  }
  CHECK(nice_ok);
}

/* ---------------------------------------------------------------- hashing, text */

static void test_hash_and_text(void) {
  CHECK(snow_hash_string(S("")) == -3750763034362895579LL);
  CHECK(snow_hash_int(1) == -8517097267634966620LL);
  CHECK(snow_hash_string(S("a")) == -5808556873153909620LL);
  CHECK(snow_hash_bool(0) != snow_hash_bool(1));
  CHECK(snow_hash_float(0.0) == snow_hash_int(0));
  /* combine(offset, x) hashes x's 8 bytes exactly like hash_int */
  CHECK(snow_hash_combine(-3750763034362895579LL, 1) == snow_hash_int(1));
  CHECK(snow_hash_string(S("hello")) == snow_hash_string(S("hello")));

  CHECK(str_is(snow_int_to_string(0), "0"));
  CHECK(str_is(snow_int_to_string(-42), "-42"));
  CHECK(str_is(snow_int_to_string(INT64_MAX), "9223372036854775807"));
  CHECK(str_is(snow_int_to_string(INT64_MIN), "-9223372036854775808"));
  CHECK(str_is(snow_bool_to_string(1), "true"));
  CHECK(str_is(snow_bool_to_string(0), "false"));
  CHECK(str_is(snow_unit_to_string(), "()"));

  CHECK(snow_float_to_int(3.99) == 3);
  CHECK(snow_float_to_int(-2.7) == -2);
  CHECK(snow_float_to_int(-0.0) == 0);
  CHECK(snow_float_to_int(NAN) == 0);
  CHECK(snow_float_to_int(INFINITY) == INT64_MAX);
  CHECK(snow_float_to_int(1e300) == INT64_MAX);
  CHECK(snow_float_to_int(-INFINITY) == INT64_MIN);
  CHECK(snow_float_to_int(-9223372036854775808.0) == INT64_MIN);
  CHECK(snow_float_to_int(9223372036854774784.0) == 9223372036854774784LL);
}

static void test_strings(void) {
  SnowObj *a = S("foo"), *b = S("bar"), *e = S("");
  CHECK(str_is(snow_string_concat(a, b), "foobar"));
  CHECK(str_is(snow_string_concat(e, b), "bar"));
  CHECK(str_is(snow_string_concat(a, e), "foo"));
  SnowObj *parts[4] = {S("x = "), S("12"), e, S("!")};
  CHECK(str_is(snow_string_concat_n(4, parts), "x = 12!"));
  CHECK(str_is(snow_string_concat_n(0, parts), ""));
  CHECK(snow_string_eq(S("abc"), S("abc")));
  CHECK(!snow_string_eq(S("abc"), S("abd")));
  CHECK(!snow_string_eq(S("abc"), S("ab")));
  CHECK(snow_string_cmp(S("ab"), S("abc")) < 0);
  CHECK(snow_string_cmp(S("b"), S("abc")) > 0);
  CHECK(snow_string_cmp(S("abc"), S("abc")) == 0);
  CHECK(snow_string_cmp(S("\xc3\xa9"), S("z")) > 0); /* bytewise, unsigned */
  CHECK(snow_string_length(S("")) == 0);
  CHECK(snow_string_length(S("hello")) == 5);
  CHECK(snow_string_length(S("h\xc3\xa9llo")) == 5);           /* héllo */
  CHECK(snow_string_length(S("\xe2\x82\xac\xf0\x9f\x98\x80")) == 2); /* €😀 */
  CHECK(snow_string_length(S("\xff\xfe")) == 2);               /* invalid bytes */
  CHECK(snow_string_length(S("\xe2\x82")) == 2);               /* truncated */
  CHECK(snow_string_length(S("\xc0\xaf")) == 2);               /* overlong */
  CHECK(snow_string_length(S("\xed\xa0\x80")) == 3);           /* surrogate */
  CHECK(snow_string_length(S("a\xf4\x90\x80\x80" "b")) == 6);   /* > U+10FFFF */
  CHECK(snow_string_length(snow_string_new("a\0b", 3)) == 3);
  CHECK(str_is(snow_string_inspect(S("hi")), "\"hi\""));
  CHECK(str_is(snow_string_inspect(S("a\"b")), "\"a\"b\""));
  CHECK(str_c(S("abc"))[3] == 0);
}

/* ---------------------------------------------------------------- lists */

static SnowObj *ints(int n, const int64_t *v) {
  return snow_list_from((uint64_t)n, (const SnowWord *)v, 0);
}
static SnowObj *show_int(SnowWord w) { return snow_int_to_string((int64_t)w); }
static SnowObj *show_str(SnowWord w) { return (SnowObj *)w; }
static SnowObj *show_pair(SnowWord w) {
  SnowObj *t = (SnowObj *)w;
  SnowObj *parts[5] = {S("("), show_int(SNOW_PAYLOAD(t)[0]), S(", "), (SnowObj *)SNOW_PAYLOAD(t)[1],
                       S(")")};
  return snow_string_concat_n(5, parts);
}
static int list_is(SnowObj *l, const char *expect) {
  SnowObj *s = snow_list_to_string(l, show_int);
  int ok = str_is(s, expect);
  if (!ok) fprintf(stderr, "list is %s, expected %s\n", str_c(s), expect);
  return ok;
}
static int64_t eq_int(SnowWord a, SnowWord b) { return a == b; }
static int64_t cmp_int(SnowWord a, SnowWord b) {
  return (int64_t)a < (int64_t)b ? -1 : (int64_t)a > (int64_t)b;
}

/* closures: word 0 is the code pointer */
static SnowWord code_double(SnowObj *c, SnowWord x) { (void)c; return x * 2; }
static SnowWord code_is_odd(SnowObj *c, SnowWord x) { (void)c; return ((int64_t)x % 2 + 2) % 2 == 1; }
static SnowWord code_gt(SnowObj *c, SnowWord x) { return (int64_t)x > (int64_t)SNOW_PAYLOAD(c)[1]; }
static SnowWord code_add(SnowObj *c, SnowWord acc, SnowWord x) { (void)c; return acc + x; }
static SnowWord code_sub(SnowObj *c, SnowWord a, SnowWord b) { (void)c; return a - b; }
static SnowWord code_cmp_len(SnowObj *c, SnowWord a, SnowWord b) {
  (void)c;
  return (SnowWord)(snow_string_length((SnowObj *)a) - snow_string_length((SnowObj *)b));
}
/* compares only the tens digit: equal keys keep their order (stability) */
static SnowWord code_cmp_tens(SnowObj *c, SnowWord a, SnowWord b) {
  (void)c;
  return (SnowWord)((int64_t)a / 10 - (int64_t)b / 10);
}
static SnowWord code_pair_list(SnowObj *c, SnowWord x) {
  (void)c;
  int64_t v[2] = {(int64_t)x, (int64_t)x * 10};
  return (SnowWord)ints(2, v);
}
static SnowWord code_to_string(SnowObj *c, SnowWord x) { (void)c; return (SnowWord)snow_int_to_string((int64_t)x); }
static SnowWord code_three(SnowObj *c, SnowWord a, SnowWord b, SnowWord d) { (void)c; return a * 100 + b * 10 + d; }
static SnowWord code_zero(SnowObj *c) { return SNOW_PAYLOAD(c)[1]; }

static SnowObj *closure(void *code, SnowWord capture) {
  SnowWord f[2] = {(SnowWord)code, capture};
  return snow_record(0, 0, 2, f);
}

static void test_lists(void) {
  int64_t v[] = {5, 3, 8, 1};
  SnowObj *xs = ints(4, v);
  SnowObj *empty = snow_list_empty();
  CHECK(list_is(xs, "[5, 3, 8, 1]"));
  CHECK(list_is(empty, "[]"));
  CHECK(list_is(ints(0, v), "[]"));
  CHECK(list_is(snow_list_append(xs, 9, 0), "[5, 3, 8, 1, 9]"));
  CHECK(list_is(xs, "[5, 3, 8, 1]"));
  CHECK(list_is(snow_list_append(empty, 7, 0), "[7]"));
  CHECK(snow_list_head(xs) == 5);
  CHECK(snow_list_last(xs) == 1);
  CHECK(snow_list_get(xs, 2) == 8);
  CHECK(snow_list_nth(xs, 3) == 1);
  CHECK(snow_list_at(xs, 1) == 3);
  CHECK(snow_list_length(xs) == 4 && snow_list_length(empty) == 0);
  CHECK(list_is(snow_list_tail(xs), "[3, 8, 1]"));
  CHECK(list_is(snow_list_tail(snow_list_tail(xs)), "[8, 1]"));
  CHECK(snow_list_head(snow_list_tail(xs)) == 3);
  CHECK(list_is(snow_list_tail(ints(1, v)), "[]"));
  CHECK(list_is(snow_list_reverse(xs, 0), "[1, 8, 3, 5]"));
  CHECK(list_is(snow_list_reverse(empty, 0), "[]"));
  CHECK(list_is(snow_list_reverse(snow_list_tail(xs), 0), "[1, 8, 3]"));
  CHECK(list_is(snow_list_take(xs, 2, 0), "[5, 3]"));
  CHECK(list_is(snow_list_take(xs, -1, 0), "[]"));
  CHECK(list_is(snow_list_take(xs, 0, 0), "[]"));
  CHECK(list_is(snow_list_take(xs, 10, 0), "[5, 3, 8, 1]"));
  CHECK(list_is(snow_list_drop(xs, 3), "[1]"));
  CHECK(list_is(snow_list_drop(xs, 10), "[]"));
  CHECK(list_is(snow_list_drop(xs, -2), "[5, 3, 8, 1]"));
  CHECK(list_is(snow_list_take(snow_list_drop(xs, 1), 2, 0), "[3, 8]"));
  CHECK(list_is(snow_list_concat(xs, ints(1, (int64_t[]){0}), 0), "[5, 3, 8, 1, 0]"));
  CHECK(list_is(snow_list_concat(empty, xs, 0), "[5, 3, 8, 1]"));
  CHECK(list_is(snow_list_concat(xs, empty, 0), "[5, 3, 8, 1]"));
  CHECK(list_is(snow_list_concat(snow_list_drop(xs, 2), snow_list_take(xs, 2, 0), 0), "[8, 1, 5, 3]"));

  CHECK(list_is(snow_list_map(xs, closure(code_double, 0), 0), "[10, 6, 16, 2]"));
  CHECK(list_is(snow_list_map(empty, closure(code_double, 0), 0), "[]"));
  CHECK(list_is(snow_list_filter(xs, closure(code_is_odd, 0), 0), "[5, 3, 1]"));
  CHECK(list_is(snow_list_filter(xs, closure(code_gt, 100), 0), "[]"));
  CHECK(list_is(snow_list_filter(xs, closure(code_gt, -1), 0), "[5, 3, 8, 1]"));
  CHECK(snow_list_reduce(xs, 0, closure(code_add, 0)) == 17);
  CHECK(snow_list_reduce(empty, 42, closure(code_add, 0)) == 42);
  CHECK((int64_t)snow_list_reduce(xs, 100, closure(code_sub, 0)) == 100 - 17); /* acc first */
  CHECK(snow_list_any(xs, closure(code_gt, 7)) == 1);
  CHECK(snow_list_any(xs, closure(code_gt, 8)) == 0);
  CHECK(snow_list_any(empty, closure(code_gt, 0)) == 0);
  CHECK(snow_list_all(xs, closure(code_gt, 1)) == 0);
  CHECK(snow_list_all(xs, closure(code_gt, 0)) == 1);
  CHECK(snow_list_all(empty, closure(code_gt, 0)) == 1);
  CHECK(snow_list_contains(xs, 8, eq_int) == 1);
  CHECK(snow_list_contains(xs, 9, eq_int) == 0);
  CHECK(snow_list_contains(empty, 9, eq_int) == 0);
  SnowWord none = snow_list_find(xs, closure(code_gt, 100), 0);
  CHECK(none == 1);
  SnowObj *some = (SnowObj *)snow_list_find(xs, closure(code_gt, 5), 0);
  CHECK(some->kind == SNOW_RECORD && some->tag == 0 && some->size == 8 && SNOW_PAYLOAD(some)[0] == 8);
  SnowObj *some_str = (SnowObj *)snow_list_find(snow_list_from(1, (SnowWord[]){(SnowWord)S("s")}, 1),
                                                closure(code_gt, 0), 1);
  CHECK(some_str->ptrmap == 1);

  int64_t unsorted[] = {5, 3, 8, 1, 9, 2, 7, 3, 0, -4};
  SnowObj *sorted = snow_list_sort(ints(10, unsorted), closure(code_sub, 0), 0);
  CHECK(list_is(sorted, "[-4, 0, 1, 2, 3, 3, 5, 7, 8, 9]"));
  CHECK(list_is(snow_list_sort(empty, closure(code_sub, 0), 0), "[]"));
  CHECK(list_is(snow_list_sort(ints(1, v), closure(code_sub, 0), 0), "[5]"));
  int64_t keyed[] = {31, 12, 35, 10, 38, 14, 33, 11};
  CHECK(list_is(snow_list_sort(ints(8, keyed), closure(code_cmp_tens, 0), 0), "[12, 10, 14, 11, 31, 35, 38, 33]"));
  SnowWord fruits[] = {(SnowWord)S("pear"), (SnowWord)S("fig"), (SnowWord)S("kiwi"), (SnowWord)S("plum"),
                       (SnowWord)S("yam")};
  SnowObj *by_len = snow_list_sort(snow_list_from(5, fruits, 1), closure(code_cmp_len, 0), 1);
  CHECK(str_is(snow_list_to_string(by_len, show_str), "[fig, yam, pear, kiwi, plum]"));
  /* a larger random sort is stable and ordered */
  enum { N = 3000 };
  static int64_t big[N];
  for (int i = 0; i < N; i++) big[i] = (int64_t)(rng() % 50) * 10000 + i;
  SnowObj *bs = snow_list_sort(ints(N, big), closure(code_cmp_tens, 0), 0);
  int ordered = snow_list_length(bs) == N;
  for (int i = 1; i < N && ordered; i++) {
    int64_t p = (int64_t)snow_list_at(bs, i - 1), q = (int64_t)snow_list_at(bs, i);
    if (p / 10000 > q / 10000 || (p / 10000 == q / 10000 && p > q)) ordered = 0;
  }
  CHECK(ordered);

  SnowWord words[] = {(SnowWord)S("one"), (SnowWord)S("two")};
  int64_t abc[] = {1, 2, 3};
  SnowObj *zipped = snow_list_zip(ints(3, abc), snow_list_from(2, words, 1), 0, 1);
  CHECK(snow_list_length(zipped) == 2);
  CHECK(str_is(snow_list_to_string(zipped, show_pair), "[(1, one), (2, two)]"));
  CHECK(((SnowObj *)snow_list_at(zipped, 0))->ptrmap == 2);
  CHECK(((SnowObj *)snow_list_at(zipped, 0))->size == 16);
  CHECK(snow_list_length(snow_list_zip(empty, xs, 0, 0)) == 0);
  SnowObj *en = snow_list_enumerate(snow_list_from(2, (SnowWord[]){(SnowWord)S("a"), (SnowWord)S("b")}, 1), 1);
  CHECK(str_is(snow_list_to_string(en, show_pair), "[(0, a), (1, b)]"));
  CHECK(((SnowObj *)snow_list_at(en, 1))->ptrmap == 2);
  SnowObj *en_int = snow_list_enumerate(xs, 0);
  CHECK(((SnowObj *)snow_list_at(en_int, 3))->ptrmap == 0 && SNOW_PAYLOAD((SnowObj *)snow_list_at(en_int, 3))[1] == 1);
  CHECK(snow_list_length(snow_list_enumerate(empty, 0)) == 0);

  int64_t one_two[] = {1, 2};
  CHECK(list_is(snow_list_flat_map(ints(2, one_two), closure(code_pair_list, 0), 0), "[1, 10, 2, 20]"));
  CHECK(list_is(snow_list_flat_map(empty, closure(code_pair_list, 0), 0), "[]"));
  SnowWord inner[] = {(SnowWord)ints(1, (int64_t[]){1}), (SnowWord)empty, (SnowWord)ints(2, (int64_t[]){2, 3})};
  CHECK(list_is(snow_list_flatten(snow_list_from(3, inner, 1), 0), "[1, 2, 3]"));
  CHECK(list_is(snow_list_flatten(snow_list_from(1, (SnowWord[]){(SnowWord)empty}, 1), 0), "[]"));
  SnowObj *strs = snow_list_map(xs, closure(code_to_string, 0), 1);
  CHECK(str_is(snow_list_to_string(strs, show_str), "[5, 3, 8, 1]"));

  CHECK(snow_list_eq(xs, ints(4, v), eq_int) == 1);
  CHECK(snow_list_eq(xs, snow_list_tail(xs), eq_int) == 0);
  CHECK(snow_list_eq(empty, ints(0, v), eq_int) == 1);
  CHECK(snow_list_cmp(ints(2, (int64_t[]){1, 2}), ints(2, (int64_t[]){1, 3}), cmp_int) < 0);
  CHECK(snow_list_cmp(ints(2, (int64_t[]){1, 2}), ints(1, (int64_t[]){1}), cmp_int) > 0);
  CHECK(snow_list_cmp(empty, ints(1, (int64_t[]){1}), cmp_int) < 0);
  CHECK(snow_list_cmp(xs, ints(4, v), cmp_int) == 0);

  CHECK(snow_call0(closure(code_zero, 77)) == 77);
  CHECK(snow_call3(closure(code_three, 0), 1, 2, 3) == 123);
  SnowObj *r = snow_record(3, 0x2, 2, (SnowWord[]){5, (SnowWord)S("x")});
  CHECK(r->tag == 3 && r->ptrmap == 2 && r->kind == SNOW_RECORD && SNOW_PAYLOAD(r)[0] == 5);
}

/* ---------------------------------------------------------------- panics */

typedef void (*ChildFn)(void);

/* Runs fn in a child; returns its exit status (or -signal) and its stderr,
 * stdout in the given buffers. */
static int run_child(ChildFn fn, char *err, size_t err_cap, char *out, size_t out_cap) {
  int ep[2], op[2];
  if (pipe(ep) || pipe(op)) return -1000;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(ep[1], 2);
    dup2(op[1], 1);
    close(ep[0]);
    close(op[0]);
    fn();
    _exit(0);
  }
  close(ep[1]);
  close(op[1]);
  size_t el = 0, ol = 0;
  ssize_t n;
  while ((n = read(ep[0], err + el, err_cap - 1 - el)) > 0) el += (size_t)n;
  while ((n = read(op[0], out + ol, out_cap - 1 - ol)) > 0) ol += (size_t)n;
  err[el] = 0;
  out[ol] = 0;
  close(ep[0]);
  close(op[0]);
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

static void expect_panic(ChildFn fn, const char *stderr_text, const char *stdout_text) {
  char err[4096], out[4096];
  int st = run_child(fn, err, sizeof err, out, sizeof out);
  int ok = st == 134 && strcmp(err, stderr_text) == 0 && strcmp(out, stdout_text) == 0;
  if (!ok) fprintf(stderr, "child status %d, stderr '%s', stdout '%s'; expected '%s'\n", st, err, out, stderr_text);
  CHECK(ok);
}

static void child_head(void) { snow_println(S("before")); snow_list_head(snow_list_empty()); }
static void child_tail(void) { snow_list_tail(snow_list_empty()); }
static void child_last(void) { snow_list_last(snow_list_empty()); }
static void child_get(void) { snow_list_get(ints(3, (int64_t[]){1, 2, 3}), 3); }
static void child_get_neg(void) { snow_list_get(ints(3, (int64_t[]){1, 2, 3}), -1); }
static void child_nth(void) { snow_list_nth(snow_list_empty(), 0); }
static void child_div(void) { snow_print(S("partial")); snow_panic_div_zero("main.snow", 7); }
static void child_match(void) { snow_panic_no_match(NULL, 0); }
static void child_str(void) { snow_panic_str(S("custom text"), "a/b.snow", 12); }
static void child_println(void) {
  snow_println(S("line one"));
  snow_print(S("x"));
  snow_println(S(""));
  snow_eprintln(S("to stderr"));
}
static SnowWord deep(SnowWord n) {
  volatile char pad[256];
  pad[0] = (char)n;
  if (n == 0) return (SnowWord)pad[0];
  return deep(n - 1) + (SnowWord)pad[0] + 1;
}
static SnowWord snow_main_overflow(void) {
  snow_println(S("start"));
  return deep(100000000);
}
static void child_overflow(void) {
  exit(snow_rt_main(0, NULL, snow_main_overflow));
}
static SnowWord snow_main_ok(void) {
  snow_print(S("no newline at end"));
  return 0;
}
static void child_main_ok(void) { exit(snow_rt_main(0, NULL, snow_main_ok)); }
static SnowWord snow_main_sigterm(void) {
  snow_println(S("before signal"));
  raise(SIGTERM);
  return 0;
}
static void child_sigterm(void) { exit(snow_rt_main(0, NULL, snow_main_sigterm)); }
static void child_null(void) {
  snow_gc_init_main(NULL);
  *(volatile int *)0 = 1; /* not a stack overflow: must stay a plain segfault */
}
static SnowWord snow_main_null(void) {
  child_null();
  return 0;
}
static void child_null_in_main(void) { exit(snow_rt_main(0, NULL, snow_main_null)); }

/* Keeps everything it allocates reachable until memory runs out. */
static void child_oom(void) {
  struct rlimit rl = {(rlim_t)256 << 20, (rlim_t)256 << 20};
  setrlimit(RLIMIT_AS, &rl);
  snow_print(S("partial line"));
  SnowObj *volatile keep = snow_list_empty();
  for (;;) {
    SnowWord pair[2] = {(SnowWord)snow_string_new(NULL, 0), (SnowWord)keep};
    for (int i = 0; i < 1000; i++) pair[0] = (SnowWord)snow_record(0, 3, 2, pair);
    keep = snow_record(0, 3, 2, pair);
  }
}

static void test_panics(void) {
  expect_panic(child_head, "Snow panic: List.head: empty list\n", "before\n");
  expect_panic(child_tail, "Snow panic: List.tail: empty list\n", "");
  expect_panic(child_last, "Snow panic: List.last: empty list\n", "");
  expect_panic(child_get, "Snow panic: List.get: index 3 out of bounds (len 3)\n", "");
  expect_panic(child_get_neg, "Snow panic: List.get: index -1 out of bounds (len 3)\n", "");
  expect_panic(child_nth, "Snow panic: List.nth: index 0 out of bounds (len 0)\n", "");
  expect_panic(child_div, "Snow panic: division by zero at main.snow:7\n", "partial");
  expect_panic(child_match, "Snow panic: non-exhaustive match\n", "");
  expect_panic(child_str, "Snow panic: custom text at a/b.snow:12\n", "");
  expect_panic(child_overflow, "Snow panic: stack overflow\n", "start\n");
#if !RUNTIME_TEST_ASAN /* ASan reserves far more address space than the limit */
  expect_panic(child_oom, "[snow-rt] fatal: out of memory\n", "partial line");
#endif

  char err[4096], out[4096];
  int st = run_child(child_println, err, sizeof err, out, sizeof out);
  CHECK(st == 0 && strcmp(out, "line one\nx\n") == 0 && strcmp(err, "to stderr\n") == 0);
  st = run_child(child_main_ok, err, sizeof err, out, sizeof out);
  CHECK(st == 0 && strcmp(out, "no newline at end") == 0 && err[0] == 0);
  st = run_child(child_sigterm, err, sizeof err, out, sizeof out);
  CHECK(st == -SIGTERM && strcmp(out, "before signal\n") == 0);
  /* a fault that is not a stack overflow keeps its default action (a plain
   * SIGSEGV; under ASan its own report) */
  st = run_child(child_null_in_main, err, sizeof err, out, sizeof out);
  CHECK(st != 0 && st != 134 && strstr(err, "Snow panic") == NULL);
}

int main(void) {
  snow_gc_init_main(__builtin_frame_address(0));
  test_floats();
  test_hash_and_text();
  test_strings();
  test_lists();
  test_panics();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
