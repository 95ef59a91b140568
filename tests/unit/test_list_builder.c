/* test_list_builder.c — the `for` comprehension accumulator (runtime/core/
 * list_builder.c): empty result, growth across many doublings, scalar and
 * pointer elements surviving major and minor collections while the builder
 * (and its array) are old and the pushed elements young, and finish views. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "snow_rt.h"
#include "../../runtime/core/gc.h"
#include "../../runtime/core/list.h"

#include <stdio.h>
#include <string.h>

#include "unit.h"

static void test_empty(void) {
  SnowObj *b = snow_list_builder_new(0);
  SnowObj *l = snow_list_builder_finish(b);
  CHECK(snow_list_length(l) == 0);
  CHECK(l == snow_list_empty());
}

static void test_scalars_grow(void) {
  SnowObj *volatile b = snow_list_builder_new(0);
  for (int64_t i = 0; i < 100000; i++) snow_list_builder_push(b, (SnowWord)(i * 3));
  SnowObj *volatile l = snow_list_builder_finish(b);
  CHECK(snow_list_length(l) == 100000);
  int ok = 1;
  for (int64_t i = 0; i < 100000; i++)
    if (snow_list_at(l, i) != (SnowWord)(i * 3)) ok = 0;
  CHECK(ok);
  CHECK(snow_list_at(l, 0) == 0 && snow_list_at(l, 99999) == 299997);
}

static void test_one_element(void) {
  SnowObj *volatile b = snow_list_builder_new(0);
  snow_list_builder_push(b, 42);
  SnowObj *l = snow_list_builder_finish(b);
  CHECK(snow_list_length(l) == 1);
  CHECK(snow_list_head(l) == 42);
}

/* Old builder + old array receiving young strings, with collections in between. */
static void test_pointers_across_collections(void) {
  SnowObj *volatile b = snow_list_builder_new(1);
  char buf[32];
  for (int i = 0; i < 5; i++) {
    snprintf(buf, sizeof buf, "s%d", i);
    snow_list_builder_push(b, (SnowWord)snow_string_new(buf, strlen(buf)));
  }
  snow_gc_collect(); /* builder and its 8-slot array are old now */
  for (int i = 5; i < 3000; i++) {
    snprintf(buf, sizeof buf, "s%d", i);
    snow_list_builder_push(b, (SnowWord)snow_string_new(buf, strlen(buf)));
    if (i % 500 == 0) snow_gc_collect_minor();
    if (i % 1200 == 0) snow_gc_collect();
  }
  snow_gc_collect_minor();
  SnowObj *volatile l = snow_list_builder_finish(b);
  snow_gc_collect();
  CHECK(snow_list_length(l) == 3000);
  int ok = 1;
  for (int i = 0; i < 3000; i++) {
    snprintf(buf, sizeof buf, "s%d", i);
    SnowObj *s = (SnowObj *)snow_list_at(l, i);
    if (snow_string_length(s) != (int64_t)strlen(buf) ||
        memcmp((const char *)(SNOW_PAYLOAD(s) + 1), buf, strlen(buf)) != 0)
      ok = 0;
  }
  CHECK(ok);
}

int main(void) {
  snow_gc_init_main(__builtin_frame_address(0));
  test_empty();
  test_one_element();
  test_scalars_grow();
  test_pointers_across_collections();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
