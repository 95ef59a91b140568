/* test_actor_proc.c — the process layer (runtime/actor/proc.h and the
 * processes area of snow_rt.h) with C-bodied processes: exit reasons, links
 * and their propagation, trap_exit, monitors and demonitor, Process.exit,
 * the registry, crash isolation (panic, stack overflow), exit hooks, timers
 * (sleep, send_after), the user receive scan, the run-time type check, and
 * the committed memory of idle processes. Every outcome checked is
 * deterministic (ordering comes from waiting for signals, never from time). */
#include "../../runtime/actor/actor.h"
#include "../../runtime/actor/copy.h"
#include "../../runtime/actor/proc.h"
#include "../../runtime/core/text.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

/* ---------------------------------------------------------------- helpers */

typedef struct {
  int kind;
  SnowPid from;
  int64_t ref;
} SigMatch;

static int match_signal(const SnowMessage *m, void *ctx) {
  const SigMatch *want = ctx;
  if (m->tag != SNOW_ENTRY_SIGNAL) return 0;
  const SnowSignal *s = (const SnowSignal *)(const void *)m->data;
  return s->kind == want->kind && s->from == want->from && (!want->ref || s->ref == want->ref);
}

/* Waits (forever) for a signal of `kind` from `from`; returns its reason
 * (the caller frees it). */
static SnowReason wait_signal(int kind, SnowPid from, int64_t ref) {
  SigMatch want = {kind, from, ref};
  SnowMessage *m = snow_proc_wait(match_signal, &want, -1);
  SnowSignal *s = (SnowSignal *)(void *)m->data;
  SnowReason r = s->reason;
  s->reason.text = NULL;
  snow_entry_free(m);
  return r;
}

static int poll_signal(int kind, SnowPid from, int64_t ref) {
  SigMatch want = {kind, from, ref};
  SnowMessage *m = snow_proc_wait(match_signal, &want, 0);
  snow_entry_free(m);
  return m != NULL;
}

static int reason_is(const SnowReason *r, int code, const char *text) {
  if (r->code != code) return 0;
  if (!text) return r->text == NULL;
  return r->text && strcmp(r->text, text) == 0;
}

static int match_user(const SnowMessage *m, void *ctx) {
  (void)ctx;
  return m->tag == SNOW_ENTRY_USER;
}

/* Blocks until any user message arrives; returns its Int value. */
static int64_t wait_int(void) {
  SnowMessage *m = snow_proc_wait(match_user, NULL, -1);
  SnowWord v = 0;
  snow_copy_unpack(m, 0, &v, 1);
  snow_entry_free(m);
  return (int64_t)v;
}

/* ---------------------------------------------------------------- bodies */

static void body_exit_custom(void *arg) {
  snow_proc_exit(snow_reason_make(SNOW_REASON_CUSTOM, (const char *)arg));
}

static void body_return(void *arg) { (void)arg; }

static void body_panic(void *arg) {
  (void)arg;
  snow_panic("boom", "t.snow", 7);
}

static void body_wait_forever(void *arg) {
  (void)arg;
  snow_entry_free(snow_proc_wait(match_user, NULL, -1));
}

/* Links to the PID in *arg, then waits forever. */
static void body_link_and_wait(void *arg) {
  snow_link((SnowWord)(uintptr_t)arg);
  snow_send_msg((SnowWord)(uintptr_t)arg, 1, 0, NULL); /* "linked" */
  snow_entry_free(snow_proc_wait(match_user, NULL, -1));
}

static int64_t depth(int64_t n) {
  volatile char pad[256];
  pad[0] = (char)n;
  return n == 0 ? pad[0] : depth(n - 1) + pad[0];
}

static void body_overflow(void *arg) {
  (void)arg;
  depth(1 << 30);
}

static atomic_int hook_order[4];
static atomic_int hook_count;

static void hook_record(const SnowReason *r, void *ctx) {
  (void)r;
  int i = atomic_fetch_add(&hook_count, 1);
  if (i < 4) atomic_store(&hook_order[i], (int)(intptr_t)ctx);
}

static void body_hooks_then_wait(void *arg) {
  (void)arg;
  snow_proc_on_exit(hook_record, (void *)1);
  snow_proc_on_exit(hook_record, (void *)2);
  snow_entry_free(snow_proc_wait(match_user, NULL, -1));
}

static void body_sleep_then_exit(void *arg) {
  snow_timer_sleep((int64_t)(intptr_t)arg);
}

/* ---------------------------------------------------------------- tests */

static void test_reasons(void) {
  SnowReason r = snow_reason_make(SNOW_REASON_ERROR, "bad");
  SnowReason c = snow_reason_copy(&r);
  char *d = snow_reason_display(&c);
  CHECK(strcmp(d, "bad") == 0);
  free(d);
  SnowWord v = snow_reason_to_value(&r);
  SnowReason back = snow_reason_from_value(v);
  CHECK(reason_is(&back, SNOW_REASON_ERROR, "bad"));
  SnowObj *s = snow_exit_reason_to_string(v);
  CHECK(snow_str_len(s) == 3 && memcmp(snow_str_bytes(s), "bad", 3) == 0);
  SnowReason k = snow_reason_make(SNOW_REASON_NOPROC, "ignored");
  CHECK(k.text == NULL && snow_reason_to_value(&k) == 3);
  d = snow_reason_display(&k);
  CHECK(strcmp(d, "noproc") == 0);
  free(d);
  snow_reason_free(&r);
  snow_reason_free(&c);
  snow_reason_free(&back);
}

static void test_links(void) {
  SnowPid me = snow_self();
  snow_trap_exit(1);
  /* spawn_link + exit with Custom: a trapping parent gets Exit(child, R) */
  int64_t prev = snow_autolink_begin();
  SnowPid a = snow_proc_spawn(body_exit_custom, "bad input 3", NULL);
  snow_autolink_end(prev);
  SnowReason r = wait_signal(SNOW_SIGNAL_EXIT, a, 0);
  CHECK(reason_is(&r, SNOW_REASON_CUSTOM, "bad input 3"));
  snow_reason_free(&r);
  /* normal end of a linked process: trapping gets Exit(_, Normal) */
  prev = snow_autolink_begin();
  SnowPid b = snow_proc_spawn(body_return, NULL, NULL);
  snow_autolink_end(prev);
  r = wait_signal(SNOW_SIGNAL_EXIT, b, 0);
  CHECK(reason_is(&r, SNOW_REASON_NORMAL, NULL));
  /* link to a dead process: Exit(P, NoProc) for a trapping caller */
  CHECK(!snow_proc_is_alive(b));
  snow_link(b);
  r = wait_signal(SNOW_SIGNAL_EXIT, b, 0);
  CHECK(reason_is(&r, SNOW_REASON_NOPROC, NULL));
  /* link(self()) does nothing */
  snow_link(me);
  CHECK(!poll_signal(SNOW_SIGNAL_EXIT, me, 0));
  /* cascade: x (not trapping) linked to me and to y; y panics: x dies with
   * y's reason, I get Exit(x, Error("boom")) */
  SnowPid x = snow_proc_spawn(body_link_and_wait, (void *)(uintptr_t)me, NULL);
  CHECK(wait_int() == 1);
  int64_t mref = snow_monitor(x);
  /* y links to x and sends x a message, which ends x normally: a trapping
   * me gets Exit(x, Normal), the non-trapping y ignores it */
  SnowPid y = snow_proc_spawn(body_link_and_wait, (void *)(uintptr_t)x, NULL);
  r = wait_signal(SNOW_SIGNAL_DOWN, x, mref);
  CHECK(reason_is(&r, SNOW_REASON_NORMAL, NULL));
  r = wait_signal(SNOW_SIGNAL_EXIT, x, 0);
  CHECK(reason_is(&r, SNOW_REASON_NORMAL, NULL));
  /* y was linked to x, does not trap, x ended Normal: y keeps running */
  CHECK(snow_proc_is_alive(y));
  /* an abnormal exit signal to y: y dies with it */
  int64_t yref = snow_monitor(y);
  SnowReason shut = snow_reason_make(SNOW_REASON_SHUTDOWN, NULL);
  snow_proc_signal_exit(y, &shut);
  r = wait_signal(SNOW_SIGNAL_DOWN, y, yref);
  CHECK(reason_is(&r, SNOW_REASON_SHUTDOWN, NULL));
  snow_trap_exit(0);
}

/* A non-trapping chain: me -> mid (trapping off) -> panicker. */
typedef struct {
  SnowPid parent;
} ChainArg;

static void body_mid(void *arg) {
  ChainArg *c = arg;
  snow_link(c->parent);
  int64_t prev = snow_autolink_begin();
  snow_proc_spawn(body_panic, NULL, NULL);
  snow_autolink_end(prev);
  snow_entry_free(snow_proc_wait(match_user, NULL, -1)); /* until the exit signal */
  snow_send_msg(c->parent, 99, 0, NULL); /* never reached */
}

static void test_cascade(void) {
  SnowPid me = snow_self();
  snow_trap_exit(1);
  /* Not on this stack: a blocked process's stack may be saved and given
   * back to the OS (stack_save.h), so no other process may read it. */
  static ChainArg c;
  c.parent = me;
  SnowPid mid = snow_proc_spawn(body_mid, &c, NULL);
  SnowReason r = wait_signal(SNOW_SIGNAL_EXIT, mid, 0);
  CHECK(reason_is(&r, SNOW_REASON_ERROR, "boom"), "got %d %s", r.code, r.text ? r.text : "-");
  snow_reason_free(&r);
  CHECK(!poll_signal(SNOW_SIGNAL_EXIT, mid, 0));
  snow_trap_exit(0);
}

static void test_monitors(void) {
  SnowPid me = snow_self();
  /* Down(ref, P, Error(msg)) for a panicking process */
  SnowPid p = snow_proc_spawn(body_wait_forever, NULL, NULL);
  int64_t ref = snow_monitor(p);
  int64_t ref2 = snow_monitor(p);
  CHECK(ref > 0 && ref2 != ref);
  snow_demonitor(ref2);
  snow_demonitor(ref2);  /* unknown: ignored */
  snow_demonitor(12345); /* never existed: ignored */
  SnowReason custom = snow_reason_make(SNOW_REASON_CUSTOM, "stop");
  snow_proc_signal_exit(p, &custom);
  snow_reason_free(&custom);
  SnowReason r = wait_signal(SNOW_SIGNAL_DOWN, p, ref);
  CHECK(reason_is(&r, SNOW_REASON_CUSTOM, "stop"));
  snow_reason_free(&r);
  CHECK(!poll_signal(SNOW_SIGNAL_DOWN, p, ref2)); /* demonitored */
  /* monitor of a dead process: Down(ref, P, NoProc) at once */
  int64_t ref3 = snow_monitor(p);
  CHECK(poll_signal(SNOW_SIGNAL_DOWN, p, ref3));
  /* monitoring oneself never fires */
  snow_monitor(me);
  CHECK(!poll_signal(SNOW_SIGNAL_DOWN, me, 0));
  /* crash isolation: a panic ends only that process, with Error(msg) */
  SnowPid q = snow_proc_spawn(body_panic, NULL, NULL);
  int64_t qref = snow_monitor(q);
  r = wait_signal(SNOW_SIGNAL_DOWN, q, qref);
  CHECK(reason_is(&r, SNOW_REASON_ERROR, "boom") || reason_is(&r, SNOW_REASON_NOPROC, NULL));
  snow_reason_free(&r);
  /* stack overflow in a process: Error("stack overflow"), others go on */
  SnowPid o = snow_proc_spawn(body_overflow, NULL, NULL);
  int64_t oref = snow_monitor(o);
  r = wait_signal(SNOW_SIGNAL_DOWN, o, oref);
  CHECK(reason_is(&r, SNOW_REASON_ERROR, "stack overflow") || reason_is(&r, SNOW_REASON_NOPROC, NULL),
        "got %d %s", r.code, r.text ? r.text : "-");
  snow_reason_free(&r);
  /* and again: the worker's signal handling still works afterwards */
  o = snow_proc_spawn(body_overflow, NULL, NULL);
  oref = snow_monitor(o);
  r = wait_signal(SNOW_SIGNAL_DOWN, o, oref);
  CHECK(r.code == SNOW_REASON_ERROR || r.code == SNOW_REASON_NOPROC);
  snow_reason_free(&r);
}

static void test_exit_signals(void) {
  /* Normal to a non-trapping process: ignored */
  SnowPid p = snow_proc_spawn(body_wait_forever, NULL, NULL);
  int64_t ref = snow_monitor(p);
  SnowReason normal = snow_reason_make(SNOW_REASON_NORMAL, NULL);
  snow_proc_signal_exit(p, &normal);
  CHECK(snow_proc_is_alive(p));
  /* trapping target: Shutdown becomes an Exit entry; Killed still kills */
  SnowProcOptions trapping = {NULL, 1};
  SnowPid t = snow_proc_spawn(body_wait_forever, NULL, &trapping);
  int64_t tref = snow_monitor(t);
  SnowReason shut = snow_reason_make(SNOW_REASON_SHUTDOWN, NULL);
  snow_proc_signal_exit(t, &shut);
  CHECK(snow_proc_is_alive(t));
  SnowReason kill = snow_reason_make(SNOW_REASON_KILLED, NULL);
  snow_proc_signal_exit(t, &kill);
  SnowReason r = wait_signal(SNOW_SIGNAL_DOWN, t, tref);
  CHECK(reason_is(&r, SNOW_REASON_KILLED, NULL));
  /* exit hooks: reverse registration order, not for a kill */
  atomic_store(&hook_count, 0);
  SnowPid h = snow_proc_spawn(body_hooks_then_wait, NULL, NULL);
  int64_t href = snow_monitor(h);
  snow_send_msg(h, 5, 0, NULL);
  r = wait_signal(SNOW_SIGNAL_DOWN, h, href);
  CHECK(reason_is(&r, SNOW_REASON_NORMAL, NULL));
  CHECK(atomic_load(&hook_count) == 2 && atomic_load(&hook_order[0]) == 2 &&
        atomic_load(&hook_order[1]) == 1);
  atomic_store(&hook_count, 0);
  h = snow_proc_spawn(body_hooks_then_wait, NULL, NULL);
  href = snow_monitor(h);
  snow_proc_signal_exit(h, &kill);
  r = wait_signal(SNOW_SIGNAL_DOWN, h, href);
  CHECK(r.code == SNOW_REASON_KILLED || r.code == SNOW_REASON_NOPROC);
  CHECK(atomic_load(&hook_count) == 0);
  /* a sleeping process is terminated by an exit signal without waiting */
  SnowPid s = snow_proc_spawn(body_sleep_then_exit, (void *)(intptr_t)3600000, NULL);
  int64_t sref = snow_monitor(s);
  snow_proc_signal_exit(s, &shut);
  r = wait_signal(SNOW_SIGNAL_DOWN, s, sref);
  CHECK(reason_is(&r, SNOW_REASON_SHUTDOWN, NULL) || reason_is(&r, SNOW_REASON_NOPROC, NULL));
  snow_proc_signal_exit(p, &kill);
  r = wait_signal(SNOW_SIGNAL_DOWN, p, ref);
  CHECK(reason_is(&r, SNOW_REASON_KILLED, NULL));
}

/* Static STRING objects, as the compiler emits for type names. */
typedef struct {
  SnowObj hdr;
  uint64_t len;
  char bytes[16];
} StaticStr;
#define STATIC_STR(name, text)                                                                 \
  static StaticStr name = {{sizeof(text) - 1 + 9, SNOW_STRING, SNOW_GC_STATIC, 0, 0},        \
                           sizeof(text) - 1, text}

STATIC_STR(type_int, "Int");
STATIC_STR(type_string, "String");
STATIC_STR(name_log, "log");
STATIC_STR(name_empty, "");

static void body_send_wrong_type(void *arg) {
  SnowPid to = (SnowPid)(uintptr_t)arg;
  snow_send_msg(to, (SnowWord)snow_string_new("x", 1), 1, &type_string.hdr);
}

static void test_messages(void) {
  SnowPid me = snow_self();
  /* the receive scan: oldest first, skipping what the arms reject */
  snow_send_msg(me, 10, 0, &type_int.hdr);
  snow_send_msg(me, 20, 0, &type_int.hdr);
  snow_send_msg(me, (SnowWord)snow_string_new("hello", 5), 1, &type_string.hdr);
  snow_receive_begin(-1, &type_int.hdr);
  CHECK(snow_receive_next(1) == 1 && snow_receive_value() == 10);
  CHECK(snow_receive_next(1) == 1 && snow_receive_value() == 20);
  snow_receive_accept(); /* takes 20, leaves 10 */
  snow_receive_begin(0, &type_int.hdr);
  CHECK(snow_receive_next(1) == 1 && snow_receive_value() == 10);
  snow_receive_accept();
  snow_receive_begin(0, &type_int.hdr); /* the String is of another type */
  CHECK(snow_receive_next(1) == 0);
  snow_receive_begin(0, &type_string.hdr);
  CHECK(snow_receive_next(1) == 1);
  SnowObj *s = (SnowObj *)snow_receive_value();
  CHECK(snow_str_len(s) == 5 && memcmp(snow_str_bytes(s), "hello", 5) == 0);
  snow_receive_accept();
  /* after: a deadline in the future, nothing arrives */
  snow_receive_begin(20, NULL);
  CHECK(snow_receive_next(3) == 0);
  /* signals are seen only with want & 2, as Signal values */
  SnowPid d = snow_proc_spawn(body_return, NULL, NULL);
  int64_t ref = snow_monitor(d);
  snow_receive_begin(-1, NULL);
  SnowObj *sig;
  do {
    CHECK(snow_receive_next(2) == 2);
    sig = (SnowObj *)snow_receive_value();
  } while (!(sig->tag == 1 && (int64_t)SNOW_PAYLOAD(sig)[0] == ref));
  CHECK(SNOW_PAYLOAD(sig)[1] == d &&
        (SNOW_PAYLOAD(sig)[2] == SNOW_REASON_NORMAL || SNOW_PAYLOAD(sig)[2] == SNOW_REASON_NOPROC));
  snow_receive_accept();
  /* the run-time type check panics the sender */
  SnowProcOptions typed = {"Int", 0, NULL};
  SnowPid target = snow_proc_spawn(body_wait_forever, NULL, &typed);
  SnowPid sender = snow_proc_spawn(body_send_wrong_type, (void *)(uintptr_t)target, NULL);
  int64_t sref = snow_monitor(sender);
  SnowReason r = wait_signal(SNOW_SIGNAL_DOWN, sender, sref);
  char expect[96];
  snprintf(expect, sizeof expect, "message type mismatch: <0.%llu> accepts Int, got String",
           (unsigned long long)target);
  CHECK(reason_is(&r, SNOW_REASON_ERROR, expect) || reason_is(&r, SNOW_REASON_NOPROC, NULL),
        "got %s", r.text ? r.text : "-");
  snow_reason_free(&r);
  SnowReason kill = snow_reason_make(SNOW_REASON_KILLED, NULL);
  snow_proc_signal_exit(target, &kill);
  /* sending to a dead process drops the message */
  snow_send_msg(sender, 1, 0, NULL);
}

static void test_registry(void) {
  SnowPid me = snow_self();
  SnowPid p = snow_proc_spawn(body_wait_forever, NULL, NULL);
  int64_t ref = snow_monitor(p);
  CHECK(!snow_register(&name_empty.hdr, p));
  CHECK(snow_register(&name_log.hdr, p));
  CHECK(!snow_register(&name_log.hdr, me)); /* taken by a live process */
  SnowWord w = snow_whereis(&name_log.hdr);
  CHECK(w >= SNOW_IMMEDIATE_LIMIT && SNOW_PAYLOAD((SnowObj *)w)[0] == p);
  SnowReason kill = snow_reason_make(SNOW_REASON_KILLED, NULL);
  snow_proc_signal_exit(p, &kill);
  SnowReason r = wait_signal(SNOW_SIGNAL_DOWN, p, ref);
  (void)r;
  /* removed before the Down was sent */
  CHECK(snow_whereis(&name_log.hdr) == 1);
  CHECK(!snow_register(&name_log.hdr, p)); /* dead pid */
  CHECK(snow_register(&name_log.hdr, me));
  CHECK(snow_unregister(&name_log.hdr));
  CHECK(!snow_unregister(&name_log.hdr));
  CHECK(snow_is_alive(me) && !snow_is_alive(p) && !snow_is_alive(1u << 30));
}

static void test_timers(void) {
  SnowPid me = snow_self();
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  snow_timer_sleep(30);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
  CHECK(ms >= 30); /* "at least" */
  snow_timer_send_after(me, 20, 7, 0, NULL);
  snow_timer_send_after(me, 1, 6, 0, NULL);
  CHECK(wait_int() == 6);
  CHECK(wait_int() == 7);
  /* a delivery to a process that dies first is dropped and does not keep
   * the run alive for an hour (the run's end is checked in main) */
  SnowPid p = snow_proc_spawn(body_wait_forever, NULL, NULL);
  snow_timer_send_after(p, 3600000, 1, 0, NULL);
  SnowReason kill = snow_reason_make(SNOW_REASON_KILLED, NULL);
  snow_proc_signal_exit(p, &kill);
}

/* AddressSanitizer's redzones make frames (so committed stack) larger. */
#if defined(__SANITIZE_ADDRESS__)
#define IDLE_KIB_MAX 64.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IDLE_KIB_MAX 64.0
#endif
#endif
#ifndef IDLE_KIB_MAX
#define IDLE_KIB_MAX 8.0
#endif

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0, resident = 0;
  if (!f) return 0;
  if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
  fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void test_idle_memory(void) {
  enum { N = TSAN_OR(20000, 2000) }; /* TSan: at most ~8,000 fibers alive */
  static SnowPid pids[N];
  long before = rss_kib();
  for (int i = 0; i < N; i++) {
    pids[i] = snow_proc_spawn(body_wait_forever, NULL, NULL);
    if (i % 1000 == 999) snow_timer_sleep(0);
  }
  snow_timer_sleep(1); /* let them all block */
  long after = rss_kib();
  double per = (double)(after - before) / N;
  printf("idle process: %.2f KiB committed each (%d processes)\n", per, N);
  /* a stack page + PCB; no bound under ThreadSanitizer, whose own state
   * for every fiber is some 870 KiB */
  if (!SNOW_TEST_TSAN) CHECK(per < IDLE_KIB_MAX, "%.2f KiB per idle process", per);
  for (int i = 0; i < N; i++) snow_send_msg(pids[i], 0, 0, NULL);
}

static atomic_int args_freed;

static void count_free(void *arg) {
  free(arg);
  atomic_fetch_add(&args_freed, 1);
}

static void body_send_int(void *arg) {
  snow_send_msg((SnowPid)(uintptr_t)arg, 5, 0, &type_int.hdr);
}

/* C-bodied processes: a C-string declared type, free_arg when the body
 * does not return. */
static void test_c_bodies(void) {
  SnowProcOptions svc = {"ServiceRequest", 0, count_free};
  SnowPid s = snow_proc_spawn(body_wait_forever, malloc(16), &svc);
  SnowPid sender = snow_proc_spawn(body_send_int, (void *)(uintptr_t)s, NULL);
  int64_t ref = snow_monitor(sender);
  SnowReason r = wait_signal(SNOW_SIGNAL_DOWN, sender, ref);
  char expect[96];
  snprintf(expect, sizeof expect, "message type mismatch: <0.%llu> accepts ServiceRequest, got Int",
           (unsigned long long)s);
  CHECK(reason_is(&r, SNOW_REASON_ERROR, expect) || reason_is(&r, SNOW_REASON_NOPROC, NULL),
        "got %s", r.text ? r.text : "-");
  snow_reason_free(&r);
  /* a killed C body gets its arg freed (no exit hook ran) */
  atomic_store(&args_freed, 0);
  SnowPid k = snow_proc_spawn(body_wait_forever, malloc(16), &svc);
  int64_t kref = snow_monitor(k);
  SnowReason kill = snow_reason_make(SNOW_REASON_KILLED, NULL);
  snow_proc_signal_exit(k, &kill);
  r = wait_signal(SNOW_SIGNAL_DOWN, k, kref);
  CHECK(r.code == SNOW_REASON_KILLED || r.code == SNOW_REASON_NOPROC);
  CHECK(atomic_load(&args_freed) == 1 || r.code == SNOW_REASON_NOPROC);
  atomic_store(&args_freed, 0);
  /* s stays blocked: abandoned at quiescence, its arg freed (main checks) */
}

static atomic_int tests_done;

static void run_tests(void *arg) {
  (void)arg;
  test_reasons();
  test_links();
  test_cascade();
  test_monitors();
  test_exit_signals();
  test_messages();
  test_registry();
  test_c_bodies();
  test_timers();
  test_idle_memory();
  atomic_store(&tests_done, 1);
}

static void root(void *arg) {
  (void)arg;
  snow_proc_spawn(run_tests, NULL, NULL);
}

int main(void) {
  snow_actor_install_overflow_handler();
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  SnowSchedOptions o = {.workers = 2};
  SnowSchedResult res = snow_sched_run(&o, root, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  CHECK(atomic_load(&tests_done));
  CHECK(res.abandoned == 1, "%llu abandoned", (unsigned long long)res.abandoned);
  CHECK(atomic_load(&args_freed) == 1); /* free_arg of the abandoned process */
  /* must finish: the one-hour send_after to a dead process was dropped */
  CHECK(b.tv_sec - a.tv_sec < 60);
  return unit_summary();
}
