/* test_actor_sched.c — processes and the scheduler: many processes,
 * recycling, work stealing and migration, reductions/fairness, yield,
 * quiescence. */
#include "../../runtime/actor/actor.h"
#include "../../runtime/actor/stack.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "thread_count.h"
#include "sched_test_util.h"
#include "unit.h"

/* ---- 100,000 processes created and finished (spawn then exit); 10,000
 * under ThreadSanitizer, where each process is a fiber costly to create */
#define MANY_PROCS TSAN_OR(100000, 10000)
#define MANY_MS_MAX TSAN_OR(5000, 30000)
static atomic_long finished;

static void tiny(void *arg) {
  (void)arg;
  atomic_fetch_add(&finished, 1);
}

static void spawn_100k(void *arg) {
  (void)arg;
  for (int i = 0; i < MANY_PROCS; i++) {
    snow_spawn(tiny, NULL);
    if (i % 1000 == 999) snow_yield(); /* lets them run: stacks get recycled */
  }
}

static void test_many_processes(void) {
  atomic_store(&finished, 0);
  uint64_t carved_before = snow_stack_stats().carved;
  double t0 = now_ms();
  SnowSchedResult r = run(2, spawn_100k, NULL);
  double ms = now_ms() - t0;
  uint64_t carved = snow_stack_stats().carved - carved_before;
  printf("%d processes: %.0f ms, %llu stacks carved\n", MANY_PROCS, ms, (unsigned long long)carved);
  CHECK(atomic_load(&finished) == MANY_PROCS);
  CHECK(r.spawned == MANY_PROCS + 1);
  CHECK(r.main_finished);
  CHECK(r.abandoned == 0);
  CHECK(carved < MANY_PROCS / 2); /* recycled, not one stack per process */
  CHECK(ms < MANY_MS_MAX);
}

/* ---- PIDs: main is 0, then increasing; snow_self inside processes */
static SnowPid seen_self[4];

static void record_self(void *arg) { seen_self[(intptr_t)arg] = snow_self(); }

static void pid_main(void *arg) {
  (void)arg;
  seen_self[0] = snow_self();
  SnowPid a = snow_spawn(record_self, (void *)1);
  SnowPid b = snow_spawn(record_self, (void *)2);
  seen_self[3] = a == 1 && b == 2;
}

static void test_pids(void) {
  memset(seen_self, 0xff, sizeof seen_self);
  SnowSchedResult r = run(1, pid_main, NULL);
  CHECK(seen_self[0] == 0 && seen_self[1] == 1 && seen_self[2] == 2 && seen_self[3] == 1);
  CHECK(r.spawned == 3);
  CHECK(snow_self() == SNOW_NO_PID);
  CHECK(snow_spawn(tiny, NULL) == SNOW_NO_PID); /* no run active */
  CHECK(snow_worker_index() == -1);
}

/* ---- work stealing with 2 workers: CPU-bound processes spread out, and
 * processes migrate between workers when they yield */
#define BUSY 16
static atomic_int ran_on[BUSY][2];
static atomic_int busy_done;

static void busy(void *arg) {
  intptr_t id = (intptr_t)arg;
  volatile uint64_t x = 0;
  for (int round = 0; round < 200; round++) {
    for (int i = 0; i < 20000; i++) x += (uint64_t)i;
    int w = snow_worker_index();
    if (w >= 0 && w < 2) atomic_store(&ran_on[id][w], 1);
    snow_yield();
  }
  atomic_fetch_add(&busy_done, 1);
}

static void steal_main(void *arg) {
  (void)arg;
  for (intptr_t i = 0; i < BUSY; i++) snow_spawn(busy, (void *)i);
}

static void test_work_stealing(void) {
  memset(ran_on, 0, sizeof ran_on);
  atomic_store(&busy_done, 0);
  SnowSchedResult r = run(2, steal_main, NULL);
  int on0 = 0, on1 = 0, both = 0;
  for (int i = 0; i < BUSY; i++) {
    on0 += atomic_load(&ran_on[i][0]);
    on1 += atomic_load(&ran_on[i][1]);
    both += atomic_load(&ran_on[i][0]) && atomic_load(&ran_on[i][1]);
  }
  printf("work stealing: %llu steals, %llu migrations, %d/%d processes ran on both workers\n",
         (unsigned long long)r.steals, (unsigned long long)r.migrations, both, BUSY);
  CHECK(atomic_load(&busy_done) == BUSY);
  CHECK(r.steals > 0);
  CHECK(on0 > 0 && on1 > 0);
  CHECK(r.migrations > 0); /* a suspended process resumed on the other thread */
  CHECK(both > 0);
}

/* ---- reductions: a process that never blocks does not starve another,
 * even with one worker */
static atomic_int spinner_stop, greeter_ran;
static atomic_long spinner_yields;

static void spinner(void *arg) {
  (void)arg;
  long calls = 0;
  while (!atomic_load(&spinner_stop)) {
    snow_reduce(); /* what generated code does at every call / back-edge */
    calls++;
  }
  atomic_store(&spinner_yields, calls / SNOW_REDUCTIONS_PER_SLICE);
}

static void greeter(void *arg) {
  (void)arg;
  atomic_store(&greeter_ran, 1);
  atomic_store(&spinner_stop, 1);
}

static void fairness_main(void *arg) {
  (void)arg;
  snow_spawn(spinner, NULL);
  snow_spawn(greeter, NULL);
}

static void test_reductions(void) {
  atomic_store(&spinner_stop, 0);
  atomic_store(&greeter_ran, 0);
  double t0 = now_ms();
  run(1, fairness_main, NULL);
  CHECK(atomic_load(&greeter_ran));
  CHECK(now_ms() - t0 < 2000);
  /* outside any process snow_reduce is harmless */
  for (int i = 0; i < 10000; i++) snow_reduce();
  CHECK(1);
}

/* ---- yield interleaves processes round-robin on one worker */
static char trace[64];
static atomic_int trace_len;

static void tracer(void *arg) {
  char c = (char)(intptr_t)arg;
  for (int i = 0; i < 3; i++) {
    trace[atomic_fetch_add(&trace_len, 1)] = c;
    snow_yield();
  }
}

static void yield_main(void *arg) {
  (void)arg;
  snow_spawn(tracer, (void *)'a');
  snow_spawn(tracer, (void *)'b');
}

static void test_yield_order(void) {
  memset(trace, 0, sizeof trace);
  atomic_store(&trace_len, 0);
  run(1, yield_main, NULL);
  /* Strict alternation; which one starts is not specified (the run queue
   * runs the newest spawn first, sched.c: RunQueue). */
  CHECK(strcmp(trace, "ababab") == 0 || strcmp(trace, "bababa") == 0);
}

/* ---- quiescence: the run ends when main returned and nothing is left, and
 * waits for sleeping processes; blocked processes are discarded promptly */
static atomic_int late_printed;

static void late(void *arg) {
  (void)arg;
  snow_sleep_ms(50);
  atomic_store(&late_printed, 1);
}

static void late_main(void *arg) {
  (void)arg;
  snow_spawn(late, NULL);
}

static void waits_forever(void *arg) {
  (void)arg;
  snow_receive(NULL, NULL, -1);
}

static void blocked_main(void *arg) {
  (void)arg;
  for (int i = 0; i < 100; i++) snow_spawn(waits_forever, NULL);
}

static void main_blocks(void *arg) {
  (void)arg;
  snow_spawn(waits_forever, NULL);
  snow_receive(NULL, NULL, -1); /* nobody will ever send */
}

static int baseline_threads; /* threads before any run (helpers of tools included) */

/* "Promptly": well under any idle timeout (there is none: without quiescence
 * detection these runs would never end); ThreadSanitizer makes starting the
 * workers and creating the fibers slow, hence more time under it. */
#define PROMPT_MS TSAN_OR(100, 1000)

static void test_quiescence(void) {
  atomic_store(&late_printed, 0);
  double t0 = now_ms();
  SnowSchedResult r = run(2, late_main, NULL);
  double ms = now_ms() - t0;
  CHECK(atomic_load(&late_printed));
  CHECK(ms >= 50 && ms < 1000);
  CHECK(r.main_finished && r.abandoned == 0);

  t0 = now_ms();
  r = run(2, blocked_main, NULL);
  ms = now_ms() - t0;
  CHECK(r.main_finished);
  CHECK(r.abandoned == 100);
  CHECK(ms < PROMPT_MS, "%.0f ms", ms); /* detected promptly, not by an idle timeout */

  t0 = now_ms();
  r = run(2, main_blocks, NULL);
  CHECK(!r.main_finished); /* main deadlocked: reported to the caller */
  CHECK(r.abandoned == 2);
  CHECK(now_ms() - t0 < PROMPT_MS);

  /* every worker thread was joined (the kernel may list an exiting thread
   * for a moment after pthread_join returns) */
  int threads = count_threads();
  for (int i = 0; i < 100 && threads != baseline_threads; i++) {
    struct timespec ts = {0, 1000000L};
    nanosleep(&ts, NULL);
    threads = count_threads();
  }
  CHECK(threads == baseline_threads);
}

/* ---- processes spawning processes from several workers (a tree): depth
 * 4, 11,111 processes (depth 3 under ThreadSanitizer: 1,111) */
#define TREE_DEPTH TSAN_OR(4, 3)
#define TREE_LEAVES TSAN_OR(10000, 1000)
#define TREE_PROCS TSAN_OR(11111, 1111)
static atomic_long tree_leaves;

static void tree(void *arg) {
  intptr_t depth = (intptr_t)arg;
  if (depth == 0) {
    atomic_fetch_add(&tree_leaves, 1);
    return;
  }
  for (int i = 0; i < 10; i++) snow_spawn(tree, (void *)(depth - 1));
}

static void test_tree(void) {
  atomic_store(&tree_leaves, 0);
  SnowSchedResult r = run(2, tree, (void *)TREE_DEPTH);
  CHECK(atomic_load(&tree_leaves) == TREE_LEAVES);
  CHECK(r.spawned == TREE_PROCS);
}

/* ---- §18 spawn test: 100,000 processes alive at once, each waiting for
 * one message; the kernel mapping count stays small (stacks are carved from
 * regions and guards do not split them where MADV_GUARD_INSTALL exists) */
#define LIVE_PROCS TSAN_OR(100000, 2000) /* TSan: at most ~8,000 fibers alive */
static atomic_long live_received;
static int maps_while_live;

static int count_maps(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f) return -1;
  int n = 0, c;
  while ((c = fgetc(f)) != EOF)
    if (c == '\n') n++;
  fclose(f);
  return n;
}

static void wait_one(void *arg) {
  (void)arg;
  SnowMessage *m = snow_receive(NULL, NULL, -1);
  if (m && m->size == sizeof(long)) atomic_fetch_add(&live_received, 1);
  snow_message_free(m);
}

static void live_main(void *arg) {
  (void)arg;
  static SnowPid pids[LIVE_PROCS];
  for (int batch = 0; batch < 100; batch++) {
    for (int i = 0; i < LIVE_PROCS / 100; i++) pids[batch * (LIVE_PROCS / 100) + i] = snow_spawn(wait_one, NULL);
    snow_yield();
  }
  snow_sleep_ms(1); /* let them all reach their receive */
  maps_while_live = count_maps();
  for (long i = 0; i < LIVE_PROCS; i++) snow_send(pids[i], 0, &i, sizeof i);
}

static void test_live_processes(void) {
  atomic_store(&live_received, 0);
  double t0 = now_ms();
  SnowSchedResult r = run(2, live_main, NULL);
  double ms = now_ms() - t0;
  printf("%d live processes: %.0f ms, %d kernel mappings while alive\n", LIVE_PROCS, ms,
         maps_while_live);
  CHECK(atomic_load(&live_received) == LIVE_PROCS);
  CHECK(r.abandoned == 0);
  CHECK(ms < 8000);
  SnowStackStats st = snow_stack_stats();
  /* (not under ThreadSanitizer, which maps regions of its own for every fiber) */
  if (!SNOW_TEST_TSAN && st.guard_by_madvise == st.carved) CHECK(maps_while_live < 5000);
}

/* ---- an external operation keeps the run alive; its thread wakes the
 * process through the global injection queue */
static SnowPid external_waiter;
static int external_got;

static void *external_thread(void *arg) {
  (void)arg;
  struct timespec ts = {0, 30 * 1000000L};
  nanosleep(&ts, NULL);
  snow_send(external_waiter, 0, "done", 4);
  snow_external_end();
  return NULL;
}

static void external_main(void *arg) {
  (void)arg;
  external_waiter = snow_self();
  snow_external_begin();
  pthread_t th;
  pthread_create(&th, NULL, external_thread, NULL);
  pthread_detach(th);
  SnowMessage *m = snow_receive(NULL, NULL, -1);
  external_got = m && m->size == 4 && memcmp(m->data, "done", 4) == 0;
  snow_message_free(m);
}

static void test_external(void) {
  external_got = 0;
  SnowSchedResult r = run(2, external_main, NULL);
  CHECK(external_got);
  CHECK(r.main_finished);
}

/* ---- main may ask for a big stack (concurrency.md §17: 8 MiB) */
__attribute__((noinline)) static long use_stack(long depth) {
  volatile char frame[1024];
  frame[0] = (char)depth;
  if (depth == 0) return frame[0];
  return use_stack(depth - 1) + frame[0];
}

static long deep_result = -1;

static void deep_main(void *arg) {
  (void)arg;
  deep_result = use_stack(4000); /* about 4.5 MiB of stack */
}

static void test_big_main_stack(void) {
  SnowSchedOptions o = {.workers = 1, .main_stack_bytes = 8u << 20};
  SnowSchedResult r = snow_sched_run(&o, deep_main, NULL);
  CHECK(r.main_finished);
  long expected = 0;
  for (long d = 0; d <= 4000; d++) expected += (char)d;
  CHECK(deep_result == expected);
}

/* ---- the budget: SNOW_REDUCTIONS_PER_SLICE reductions per time slice */
static int slice_last = -1;
static int slices[2];

static void counter(void *arg) {
  int me = (int)(intptr_t)arg;
  for (int i = 0; i < 5 * SNOW_REDUCTIONS_PER_SLICE; i++) {
    if (slice_last != me) {
      slices[me]++;
      slice_last = me;
    }
    snow_reduce();
  }
}

static void budget_main(void *arg) {
  (void)arg;
  snow_spawn(counter, (void *)0);
  snow_spawn(counter, (void *)1);
}

static void test_budget(void) {
  slice_last = -1;
  slices[0] = slices[1] = 0;
  run(1, budget_main, NULL);
  CHECK(slices[0] == 5 && slices[1] == 5);
}

/* ---- skynet (concurrency.md §18), 10,000 leaves (TREE_LEAVES): every process spawns ten
 * children, each leaf sends its number to its parent, parents sum */
typedef struct SkyArg {
  SnowPid parent;
  long num;
  int level;
} SkyArg;
static long skynet_total = -1;

static void skynet(void *arg) {
  SkyArg a = *(SkyArg *)arg;
  free(arg);
  long sum = 0;
  if (a.level == 0) {
    sum = a.num;
  } else {
    long step = 1;
    for (int i = 1; i < a.level; i++) step *= 10;
    for (int i = 0; i < 10; i++) {
      SkyArg *c = malloc(sizeof *c);
      *c = (SkyArg){snow_self(), a.num + i * step, a.level - 1};
      snow_spawn(skynet, c);
    }
    for (int i = 0; i < 10; i++) {
      SnowMessage *m = snow_receive(NULL, NULL, -1);
      long v;
      memcpy(&v, m->data, sizeof v);
      sum += v;
      snow_message_free(m);
    }
  }
  if (a.parent == SNOW_NO_PID) skynet_total = sum;
  else snow_send(a.parent, 0, &sum, sizeof sum);
}

static void test_skynet(void) {
  SkyArg *root = malloc(sizeof *root);
  *root = (SkyArg){SNOW_NO_PID, 0, TREE_DEPTH};
  double t0 = now_ms();
  SnowSchedResult r = run(2, skynet, root);
  printf("skynet (%d processes): %.0f ms\n", TREE_PROCS, now_ms() - t0);
  CHECK(skynet_total == (TREE_LEAVES - 1L) * TREE_LEAVES / 2);
  CHECK(r.spawned == TREE_PROCS && r.abandoned == 0);
}

int main(void) {
  baseline_threads = count_threads_baseline();
  test_pids();
  test_yield_order();
  test_many_processes();
  test_work_stealing();
  test_reductions();
  test_budget();
  test_quiescence();
  test_tree();
  test_skynet();
  test_live_processes();
  test_external();
  test_big_main_stack();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
