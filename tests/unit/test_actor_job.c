/* test_actor_job.c — jobs (runtime/actor/job.c, concurrency.md §14) driven
 * from C: Ok results (immediate and pointer, captures deep-copied), every
 * failure outcome (panic, Custom, Shutdown, Normal without a value,
 * Killed), await consuming exactly one outcome (noproc afterwards, other
 * entries untouched), not owner, await_timeout polling and waiting again,
 * Job.map in input order with a failing element, many jobs, and an owner's
 * death killing its jobs. Runs under snow_rt_main like a Snow program. */
#include "snow_rt.h"
#include "../../runtime/actor/proc.h"
#include "../../runtime/core/gc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actor_test_util.h"
#include "unit.h"

static SnowPid tester;

/* Result helpers */
static int is_ok(SnowWord r, SnowWord *v) {
  SnowObj *o = (SnowObj *)r;
  if (o->tag == 0 && v) *v = SNOW_PAYLOAD(o)[0];
  return o->tag == 0;
}
static int is_err(SnowWord r, const char *text) {
  SnowObj *o = (SnowObj *)r;
  return o->tag == 1 && strcmp(cstr(SNOW_PAYLOAD(o)[0]), text) == 0;
}
static const char *describe(SnowWord r) {
  SnowObj *o = (SnowObj *)r;
  return o->tag == 1 ? cstr(SNOW_PAYLOAD(o)[0]) : "Ok(..)";
}

/* closures */
static SnowWord cube_of_capture(SnowObj *self) {
  int64_t x = (int64_t)SNOW_PAYLOAD(self)[1];
  return (SnowWord)(x * x * x);
}
static SnowWord greet_capture(SnowObj *self) { /* capture: a List<String> */
  SnowObj *names = (SnowObj *)SNOW_PAYLOAD(self)[1];
  return (SnowWord)snow_string_join(names, str("+"));
}
static SnowWord panics(SnowObj *self) { snow_panic("no way", "job.snow", 4); }
static SnowWord exits_with(SnowObj *self) {
  SnowWord reason = SNOW_PAYLOAD(self)[1];
  snow_exit_process(snow_self_pid(), reason);
  return 0;
}
static SnowWord blocks(SnowObj *self) { /* tells the tester, waits, returns 5 */
  post_word(tester, snow_self());
  wait_word();
  return 5;
}
static SnowWord cube1(SnowObj *self, SnowWord x) { return (SnowWord)((int64_t)x * (int64_t)x * (int64_t)x); }
static SnowWord cube1_fails_13(SnowObj *self, SnowWord x) {
  if (x == 13) snow_panic("thirteen", NULL, 0);
  return cube1(self, x);
}
static SnowWord shout(SnowObj *self, SnowWord s) { /* String -> String, with a captured suffix */
  return (SnowWord)snow_string_concat((SnowObj *)s, (SnowObj *)SNOW_PAYLOAD(self)[1]);
}

static void test_ok(void) {
  SnowWord four = 4;
  SnowWord j = snow_job_async(closure(cube_of_capture, 1, &four, 0), 0);
  SnowWord v = 0;
  SnowWord r = snow_job_await(j, -1);
  CHECK(is_ok(r, &v) && v == 64, "%s", describe(r));
  CHECK(((SnowObj *)r)->ptrmap == 0);
  SnowWord names[3] = {(SnowWord)str("a"), (SnowWord)str("b"), (SnowWord)str("c")};
  SnowWord list = (SnowWord)snow_list_from(3, names, 1);
  j = snow_job_async(closure(greet_capture, 1, &list, 1), 1);
  r = snow_job_await(j, -1);
  CHECK(is_ok(r, &v) && strcmp(cstr(v), "a+b+c") == 0, "%s", describe(r));
  CHECK(((SnowObj *)r)->ptrmap == 1);
  CHECK(is_err(snow_job_await(j, -1), "noproc"), "the outcome was consumed");
  CHECK(is_err(snow_job_await(snow_self_pid(), -1), "noproc"), "not a job");
  CHECK(is_err(snow_job_await(123456789, 0), "noproc"));
  CHECK(snow_mailbox_length() == 0);
}

static void test_failures(void) {
  SnowWord r = snow_job_await(snow_job_async(closure(panics, 0, NULL, 0), 0), -1);
  CHECK(is_err(r, "no way"), "%s", describe(r));
  SnowWord custom_text = (SnowWord)str("gave up");
  SnowWord custom = (SnowWord)snow_record(6, 1, 1, &custom_text);
  r = snow_job_await(snow_job_async(closure(exits_with, 1, &custom, 1), 0), -1);
  CHECK(is_err(r, "gave up"), "%s", describe(r));
  SnowWord shutdown = 1, normal = 0;
  r = snow_job_await(snow_job_async(closure(exits_with, 1, &shutdown, 0), 0), -1);
  CHECK(is_err(r, "shutdown"), "%s", describe(r));
  r = snow_job_await(snow_job_async(closure(exits_with, 1, &normal, 0), 0), -1);
  CHECK(is_err(r, "normal"), "%s", describe(r));
  /* killed */
  SnowWord j = snow_job_async(closure(blocks, 0, NULL, 0), 0);
  CHECK(wait_word() == j);
  snow_exit_process(j, 2 /* Killed */);
  r = snow_job_await(j, -1);
  CHECK(is_err(r, "killed"), "%s", describe(r));
  CHECK(snow_mailbox_length() == 0, "no Down left behind");
}

static void await_other(void *arg) {
  SnowWord r = snow_job_await((SnowWord)(uintptr_t)arg, -1);
  post_word(tester, is_err(r, "not owner") ? 1 : 0);
}

static void test_timeout_and_owner(void) {
  SnowWord j = snow_job_async(closure(blocks, 0, NULL, 0), 0);
  CHECK(wait_word() == j);
  SnowWord r = snow_job_await(j, 0);
  CHECK(is_err(r, "timeout"), "%s", describe(r));
  r = snow_job_await(j, 1);
  CHECK(is_err(r, "timeout"), "%s", describe(r));
  int64_t ref;
  spawn_monitored(await_other, (void *)(uintptr_t)j, &ref);
  CHECK(wait_word() == 1, "another process gets `not owner`");
  free(wait_down(ref));
  post_word(tester, 77); /* an entry of our own, queued before the outcome */
  post_word((SnowPid)j, 0); /* let it finish */
  SnowWord v = 0;
  r = snow_job_await(j, -1);
  CHECK(is_ok(r, &v) && v == 5, "%s", describe(r));
  CHECK(snow_mailbox_length() == 1 && wait_word() == 77, "await consumed only the outcome");
}

static void test_map(void) {
  int n = 100;
  SnowWord *xs = malloc((size_t)n * sizeof *xs);
  for (int i = 0; i < n; i++) xs[i] = (SnowWord)(i + 1);
  SnowObj *list = snow_list_from((uint64_t)n, xs, 0);
  free(xs);
  SnowObj *rs = snow_job_map(list, closure(cube1_fails_13, 0, NULL, 0), 0, 0);
  CHECK(snow_list_length(rs) == n);
  int good = 1;
  for (int i = 0; i < n; i++) {
    SnowWord r = snow_list_at(rs, i), v = 0;
    if (i + 1 == 13) good &= is_err(r, "thirteen");
    else good &= is_ok(r, &v) && v == (SnowWord)((i + 1) * (i + 1) * (i + 1));
  }
  CHECK(good, "results in input order, one failure");
  CHECK(snow_list_length(snow_job_map(snow_list_empty(), closure(cube1, 0, NULL, 0), 0, 0)) == 0);
  /* pointer elements and results, a pointer capture */
  SnowWord words[2] = {(SnowWord)str("hey"), (SnowWord)str("ho")};
  SnowWord bang = (SnowWord)str("!");
  rs = snow_job_map(snow_list_from(2, words, 1), closure(shout, 1, &bang, 1), 1, 1);
  SnowWord a = 0, b = 0;
  CHECK(is_ok(snow_list_at(rs, 0), &a) && is_ok(snow_list_at(rs, 1), &b));
  CHECK(strcmp(cstr(a), "hey!") == 0 && strcmp(cstr(b), "ho!") == 0);
  /* many jobs at once */
  n = 2000;
  SnowObj *volatile big = snow_range_to_list(snow_range_new(0, n));
  rs = snow_job_map(big, closure(cube1, 0, NULL, 0), 0, 0);
  int64_t sum = 0;
  for (int i = 0; i < n; i++) {
    SnowWord v = 0;
    if (is_ok(snow_list_at(rs, i), &v)) sum += (int64_t)v;
  }
  int64_t expect = 0;
  for (int64_t i = 0; i < n; i++) expect += i * i * i;
  CHECK(sum == expect);
  CHECK(snow_mailbox_length() == 0);
}

/* Job.map with pointer results big enough (5000 x 2 KiB) that the owner's
 * heap collects while the results are gathered */
static SnowWord padded(SnowObj *self, SnowWord x) {
  char buf[2048];
  memset(buf, 'a' + (int)(x % 26), sizeof buf);
  int n = snprintf(buf, sizeof buf, "%llu:", (unsigned long long)x);
  buf[n] = 'a' + (int)(x % 26);
  return (SnowWord)snow_string_new(buf, sizeof buf);
}

static void test_map_collects(void) {
  uint64_t before = snow_gc_collection_count();
  SnowObj *volatile xs = snow_range_to_list(snow_range_new(0, 5000));
  SnowObj *volatile rs = snow_job_map(xs, closure(padded, 0, NULL, 0), 0, 1);
  snow_gc_collect();
  int good = snow_list_length(rs) == 5000;
  for (int i = 0; i < 5000 && good; i++) {
    SnowWord v = 0;
    char prefix[32];
    int n = snprintf(prefix, sizeof prefix, "%d:", i);
    good = is_ok(snow_list_at(rs, i), &v) && SNOW_PAYLOAD((SnowObj *)v)[0] == 2048 &&
           strncmp(cstr(v), prefix, (size_t)n) == 0 && cstr(v)[2047] == 'a' + i % 26;
  }
  CHECK(good, "every result intact after collections");
  CHECK(snow_gc_collection_count() > before + 1, "the owner collected meanwhile: %llu -> %llu, inhibited %u", (unsigned long long)before, (unsigned long long)snow_gc_collection_count(), snow_current_heap->collections_inhibited);
}

/* an owner that starts a blocking job (which tells the tester its PID),
 * then ends when the tester says so */
static void owner_body(void *arg) {
  snow_job_async(closure(blocks, 0, NULL, 0), 0);
  wait_word();
}

static void test_owner_death(void) {
  int64_t oref;
  SnowPid owner = spawn_monitored(owner_body, NULL, &oref);
  SnowPid job = (SnowPid)wait_word();
  int64_t jref = snow_monitor((SnowWord)job);
  post_word(owner, 0);
  free(wait_down(oref));
  char *why = wait_down(jref);
  CHECK(strcmp(why, "killed") == 0, "the job of a dead owner is killed: %s", why);
  free(why);
  CHECK(is_err(snow_job_await((SnowWord)job, 0), "noproc"));
}

static SnowWord test_main(void) {
  tester = snow_self();
  test_ok();
  test_failures();
  test_timeout_and_owner();
  test_map();
  test_map_collects();
  test_owner_death();
  printf("%d passed, %d failed\n", passed, failed);
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  snow_rt_main(argc, argv, test_main);
  return failed != 0;
}
