/* test_actor_supervisor.c — the supervisor runtime (runtime/actor/supervisor.c,
 * concurrency.md §15) driven from C: children with C start functions,
 * which/count/terminate, a restart after an abnormal exit, transient and
 * temporary children, a start failure, requests to processes that are not
 * supervisors. Runs inside snow_rt_main (the process runtime). */
#include "../../runtime/actor/actor.h"
#include "../../runtime/actor/proc.h"
#include "../../runtime/core/text.h"

#include <string.h>

#include "unit.h"

static int never(const SnowMessage *m, void *ctx) {
  (void)m;
  (void)ctx;
  return 0;
}

/* A child that waits until an exit signal ends it. */
static void idle_body(void *arg) {
  (void)arg;
  snow_proc_wait(never, NULL, -1);
}

static SnowWord start_idle(SnowObj *env) {
  (void)env;
  SnowProcOptions o = {NULL, 0};
  return (SnowWord)snow_proc_spawn(idle_body, NULL, &o);
}

static SnowWord start_panics(SnowObj *env) {
  (void)env;
  snow_panic("boom", NULL, 0);
}

static int started_after_failure;
static SnowWord start_counted(SnowObj *env) {
  started_after_failure++;
  return start_idle(env);
}

/* Template of a simple_one_for_one supervisor: one argument (a RECORD). */
static SnowWord start_from_record(SnowObj *env, SnowWord args) {
  (void)env;
  CHECK(args != 0 && SNOW_PAYLOAD((SnowObj *)args)[0] == 7, "template gets its arguments");
  return start_idle(NULL);
}

static SnowObj *closure(void *code) {
  SnowWord w = (SnowWord)(uintptr_t)code;
  return snow_record(0, 0, 1, &w);
}

static SnowObj *child(const char *id, void *code, int64_t restart, int64_t shutdown_ms) {
  SnowObj *name = snow_string_new(id, strlen(id));
  SnowObj *clo = closure(code);
  SnowWord f[4] = {(SnowWord)name, (SnowWord)clo, (SnowWord)restart, (SnowWord)shutdown_ms};
  return snow_record(0, 3, 4, f);
}

static SnowObj *children(int n, SnowObj **specs) {
  SnowWord w[8];
  for (int i = 0; i < n; i++)
    w[i] = (SnowWord)specs[i];
  return snow_list_from((uint64_t)n, w, 1);
}

static SnowWord start_sup(const char *name, int64_t strategy, int64_t max_restarts, int n,
                          SnowObj **specs) {
  SnowObj *list = children(n, specs);
  return snow_supervisor_start(snow_string_new(name, strlen(name)), strategy, max_restarts, 5,
                               list);
}

static SnowWord child_pid(SnowWord sup, int64_t index) {
  SnowObj *kids = snow_supervisor_which_children(sup);
  if (snow_list_length(kids) <= index) return (SnowWord)SNOW_NO_PID;
  return SNOW_PAYLOAD((SnowObj *)snow_list_at(kids, index))[1];
}

static int child_id_is(SnowWord sup, int64_t index, const char *id) {
  SnowObj *kids = snow_supervisor_which_children(sup);
  if (snow_list_length(kids) <= index) return 0;
  SnowObj *s = (SnowObj *)SNOW_PAYLOAD((SnowObj *)snow_list_at(kids, index))[0];
  return snow_str_len(s) == strlen(id) && memcmp(snow_str_bytes(s), id, strlen(id)) == 0;
}

/* Bounded wait (a "must finish" bound, not a timing assertion). */
static int wait_until_count(SnowWord sup, int64_t want) {
  for (int i = 0; i < 2000; i++) {
    if (snow_supervisor_count_children(sup) == want) return 1;
    snow_timer_sleep(1);
  }
  return 0;
}

static SnowWord test_main(void) {
  /* one_for_one: two permanent children and a temporary one, in order */
  SnowObj *specs[3] = {child("a", (void *)start_idle, 0, 100), child("b", (void *)start_idle, 0, 100),
                       child("t", (void *)start_idle, 2, 100)};
  SnowWord sup = start_sup("Pair", 0, 3, 3, specs);
  CHECK(snow_supervisor_count_children(sup) == 3);
  CHECK(child_id_is(sup, 0, "a") && child_id_is(sup, 1, "b") && child_id_is(sup, 2, "t"));

  /* an abnormal exit of b: restarted with a new PID, same place */
  SnowWord b = child_pid(sup, 1);
  SnowReason crash = snow_reason_make(SNOW_REASON_CUSTOM, "crash");
  snow_proc_signal_exit((SnowPid)b, &crash);
  int restarted = 0;
  for (int i = 0; i < 2000 && !restarted; i++) {
    SnowWord now = child_pid(sup, 1);
    restarted = now != b && now != (SnowWord)SNOW_NO_PID;
    if (!restarted) snow_timer_sleep(1);
  }
  CHECK(restarted, "b restarted");
  CHECK(child_id_is(sup, 1, "b"));

  /* a temporary child that exits is removed */
  SnowWord t = child_pid(sup, 2);
  snow_proc_signal_exit((SnowPid)t, &crash);
  snow_reason_free(&crash);
  CHECK(wait_until_count(sup, 2), "temporary child removed");
  CHECK(child_id_is(sup, 0, "a") && child_id_is(sup, 1, "b"));

  /* terminate_child */
  SnowWord a = child_pid(sup, 0);
  CHECK(snow_supervisor_terminate_child(sup, a) == 1);
  CHECK(!snow_proc_is_alive((SnowPid)a));
  CHECK(snow_supervisor_terminate_child(sup, a) == 0);
  CHECK(snow_supervisor_count_children(sup) == 1);
  CHECK(snow_supervisor_terminate_child(sup, snow_self_pid()) == 0);

  /* Process.exit(sup, Shutdown): the tree stops */
  SnowWord b2 = child_pid(sup, 0);
  SnowReason shutdown = snow_reason_make(SNOW_REASON_SHUTDOWN, NULL);
  snow_proc_signal_exit((SnowPid)sup, &shutdown);
  snow_reason_free(&shutdown);
  for (int i = 0; i < 2000 && snow_proc_is_alive((SnowPid)sup); i++)
    snow_timer_sleep(1);
  CHECK(!snow_proc_is_alive((SnowPid)sup));
  CHECK(!snow_proc_is_alive((SnowPid)b2), "children shut down first");
  CHECK(snow_supervisor_count_children(sup) == 0);
  CHECK(snow_list_length(snow_supervisor_which_children(sup)) == 0);

  /* a start failure: later children are not started, the PID is returned dead */
  SnowObj *bad[3] = {child("ok", (void *)start_idle, 0, 100),
                     child("bad", (void *)start_panics, 0, 100),
                     child("never", (void *)start_counted, 0, 100)};
  SnowWord dead = start_sup("Broken", 0, 3, 3, bad);
  CHECK(dead != (SnowWord)SNOW_NO_PID);
  CHECK(!snow_proc_is_alive((SnowPid)dead));
  CHECK(started_after_failure == 0);

  /* simple_one_for_one: no child at first, start_child with arguments */
  SnowObj *tmpl[1] = {child("dyn", (void *)start_from_record, 0, 100)};
  SnowWord dyn = start_sup("Dyn", 3, 3, 1, tmpl);
  CHECK(snow_supervisor_count_children(dyn) == 0);
  SnowWord seven = 7;
  SnowObj *args = snow_record(0, 0, 1, &seven);
  SnowWord c1 = snow_supervisor_start_child(dyn, args, 1);
  SnowWord c2 = snow_supervisor_start_child(dyn, args, 1);
  CHECK(c1 != c2 && snow_proc_is_alive((SnowPid)c1));
  CHECK(snow_supervisor_count_children(dyn) == 2);
  CHECK(child_pid(dyn, 0) == c1 && child_pid(dyn, 1) == c2 && child_id_is(dyn, 1, "dyn"));

  /* not a supervisor: answers at once */
  SnowProcOptions o = {NULL, 0};
  SnowWord plain = (SnowWord)snow_proc_spawn(idle_body, NULL, &o);
  CHECK(snow_supervisor_count_children(plain) == 0);
  CHECK(snow_list_length(snow_supervisor_which_children(plain)) == 0);
  CHECK(snow_supervisor_terminate_child(plain, plain) == 0);
  return 0;
}

int main(int argc, char **argv) {
  snow_rt_main(argc, argv, test_main);
  return unit_summary();
}
