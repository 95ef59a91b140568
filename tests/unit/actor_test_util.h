/* actor_test_util.h — helpers shared by the C unit tests of services and
 * jobs (test_actor_service.c, test_actor_job.c), which run their checks in
 * C-bodied processes under snow_rt_main: private test entries (tag
 * TEST_ENTRY, one word of data) to synchronise processes, closures and
 * records built from C, and waiting for a monitor's Down. */
#ifndef SNOW_ACTOR_TEST_UTIL_H
#define SNOW_ACTOR_TEST_UTIL_H

#include "snow_rt.h"
#include "../../runtime/actor/proc.h"

#include <stdlib.h>
#include <string.h>

#define TEST_ENTRY 100 /* not an entry kind of proc.h: no receive ever takes it */

static inline void post_word(SnowPid to, uint64_t v) {
  SnowMessage *m = snow_message_new(TEST_ENTRY, 8);
  m->ref = 0;
  m->type = NULL;
  memcpy(m->data, &v, 8);
  snow_proc_post(to, m);
}

static inline int match_test_entry(const SnowMessage *m, void *ctx) {
  (void)ctx;
  return m->tag == TEST_ENTRY;
}

/* The next test entry's word (blocks). */
static inline uint64_t wait_word(void) {
  SnowMessage *m = snow_proc_wait(match_test_entry, NULL, -1);
  uint64_t v;
  memcpy(&v, m->data, 8);
  snow_message_free(m);
  return v;
}

static inline int match_down_ref(const SnowMessage *m, void *ctx) {
  if (m->tag != SNOW_ENTRY_SIGNAL) return 0;
  const SnowSignal *s = (const SnowSignal *)m->data;
  return s->kind == SNOW_SIGNAL_DOWN && s->ref == *(const int64_t *)ctx;
}

/* Waits for the Down of monitor `ref`; returns its reason's Display form
 * (malloc'd). */
static inline char *wait_down(int64_t ref) {
  SnowMessage *m = snow_proc_wait(match_down_ref, &ref, -1);
  char *text = snow_reason_display(&((SnowSignal *)m->data)->reason);
  snow_entry_free(m);
  return text;
}

static inline SnowObj *str(const char *c) { return snow_string_new(c, strlen(c)); }
static inline const char *cstr(SnowWord s) { return (const char *)(SNOW_PAYLOAD((SnowObj *)s) + 1); }

/* A closure: code pointer and captures (capture i is a pointer iff bit i of
 * capmask). */
static inline SnowObj *closure(void *code, int ncap, const SnowWord *caps, uint64_t capmask) {
  SnowWord w[8] = {(SnowWord)code};
  for (int i = 0; i < ncap; i++) w[1 + i] = caps[i];
  return snow_record(0, capmask << 1, (uint32_t)(1 + ncap), w);
}

/* Spawns body(arg) as a C-bodied process and monitors it. */
static inline SnowPid spawn_monitored(void (*body)(void *), void *arg, int64_t *ref) {
  SnowProcOptions o = {NULL, 0};
  SnowPid p = snow_proc_spawn(body, arg, &o);
  *ref = snow_monitor((SnowWord)p);
  return p;
}

#endif
