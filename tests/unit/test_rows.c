/* test_rows.c — the run-time step of `T.from_row` (runtime/data/rows.c,
 * web-data-dist.md §5.5): column lookup (exact, case-sensitive), parsing of
 * each field kind with trimming, Option handling of absent and empty
 * columns, the exact error strings, and survival across collections. */
#include "snow_rt.h"

#include <stdio.h>
#include <string.h>

void snow_gc_init_main(void *stack_base);

#include "unit.h"

static SnowObj *S(const char *c) { return snow_string_new(c, strlen(c)); }
static const char *str_c(SnowObj *s) { return (const char *)(SNOW_PAYLOAD(s) + 1); }
static int str_is(SnowObj *s, const char *expect) {
  return SNOW_PAYLOAD(s)[0] == strlen(expect) && memcmp(str_c(s), expect, strlen(expect)) == 0;
}
static int64_t eq(SnowWord a, SnowWord b) { return snow_string_eq((SnowObj *)a, (SnowObj *)b); }
static int64_t hash(SnowWord a) { return snow_hash_string((SnowObj *)a); }

/* The row lives in main's frame (the C stack is the only root); globals
 * would not be seen by the collector. */
static SnowObj *volatile *row_ref;
#define row (*row_ref)

static void put(const char *k, const char *v) {
  SnowObj *volatile key = S(k);
  SnowObj *volatile val = S(v);
  row = snow_map_put(row, (SnowWord)key, (SnowWord)val, eq, hash);
}

/* kind as in snow_row_field; checks Ok(word) */
static SnowWord ok_of(const char *col, int64_t kind, int *is_ok) {
  SnowObj *r = snow_row_field(row, S(col), kind);
  *is_ok = r->tag == 0;
  return SNOW_PAYLOAD(r)[0];
}

static void expect_err(const char *col, int64_t kind, const char *msg) {
  SnowObj *r = snow_row_field(row, S(col), kind);
  int good = r->tag == 1 && str_is((SnowObj *)SNOW_PAYLOAD(r)[0], msg);
  CHECK(good, "row_field(%s, %d): expected Err(%s)", col, (int)kind, msg);
}

int main(void) {
  snow_gc_init_main(__builtin_frame_address(0));
  SnowObj *volatile the_row = snow_map_new(3);
  row_ref = &the_row;
  put("i", " -42 ");
  put("f", "2.5e1");
  put("b", " YES ");
  put("s", " spaced ");
  put("empty", "");
  put("bad", " x1 ");
  put("big", "9223372036854775808");
  put("min", "-9223372036854775808");
  put("inf", "-Infinity");
  int k;
  CHECK((int64_t)ok_of("i", 1, &k) == -42 && k);
  CHECK((int64_t)ok_of("min", 1, &k) == INT64_MIN && k);
  SnowWord w = ok_of("f", 2, &k);
  double d;
  memcpy(&d, &w, 8);
  CHECK(k && d == 25.0);
  w = ok_of("inf", 2, &k);
  memcpy(&d, &w, 8);
  CHECK(k && d < -1e308);
  CHECK(ok_of("b", 3, &k) == 1 && k);
  CHECK(str_is((SnowObj *)ok_of("s", 0, &k), " spaced ") && k);
  CHECK(str_is((SnowObj *)ok_of("empty", 0, &k), "") && k);
  CHECK(ok_of("empty", 4 | 1, &k) == 1 && k); /* None */
  CHECK(ok_of("absent", 4 | 2, &k) == 1 && k);
  SnowObj *some = (SnowObj *)ok_of("i", 4 | 1, &k);
  CHECK(k && some != (SnowObj *)1 && (int64_t)SNOW_PAYLOAD(some)[0] == -42);
  expect_err("absent", 1, "missing column: absent");
  expect_err("I", 1, "missing column: I");
  expect_err("bad", 1, "cannot parse 'x1' as Int");
  expect_err("big", 1, "cannot parse '9223372036854775808' as Int");
  expect_err("bad", 2, "cannot parse 'x1' as Float");
  expect_err("bad", 3, "cannot parse 'x1' as Bool");
  expect_err("empty", 1, "cannot parse '' as Int");
  expect_err("empty", 3, "cannot parse '' as Bool");
  expect_err("bad", 4 | 1, "cannot parse 'x1' as Int");
  for (int i = 0; i < 200000; i++) { /* allocation pressure: results stay intact */
    SnowObj *r = snow_row_field(row, S("bad"), 2);
    if (!(r->tag == 1 && str_is((SnowObj *)SNOW_PAYLOAD(r)[0], "cannot parse 'x1' as Float"))) {
      CHECK(0, "iteration %d", i);
      break;
    }
  }
  CHECK(str_is((SnowObj *)ok_of("s", 0, &k), " spaced ") && k);
  return unit_summary();
}
