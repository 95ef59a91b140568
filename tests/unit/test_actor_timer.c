/* test_actor_timer.c — sleeps and the timer heap: ordering, accuracy,
 * thousands of concurrent sleeps without OS threads, quiescence with
 * pending timers. */
#include "../../runtime/actor/actor.h"
#include "../../runtime/actor/process.h"
#include "../../runtime/actor/timer.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "thread_count.h"
#include "sched_test_util.h"
#include "unit.h"

static int baseline_threads; /* threads before any run (helpers of tools included) */

/* ---- many sleepers with scattered durations wake in deadline order */
#define SLEEPERS TSAN_OR(5000, 1000)
/* The sleeps (1..150 ms, about 75 ms on average) must overlap: one after the
 * other they would take SLEEPERS * 75 ms (375 s; 75 s under ThreadSanitizer,
 * whose fibers make spawning and switching slow). */
#define SLEEPERS_BOUND_MS TSAN_OR(1000, 10000)
static int duration[SLEEPERS];
static double woke_at[SLEEPERS], began_at[SLEEPERS];
static uint64_t deadline_ns[SLEEPERS]; /* the deadline the scheduler used */
static int wake_order[SLEEPERS];
static atomic_int wake_count;
static double start_ms;
static int threads_seen;

static void sleeper(void *arg) {
  intptr_t i = (intptr_t)arg;
  began_at[i] = now_ms();
  snow_sleep_ms(duration[i]);
  woke_at[i] = now_ms();
  deadline_ns[i] = snow_process_self()->block_deadline;
  wake_order[atomic_fetch_add(&wake_count, 1)] = (int)i;
}

static void sleepers_main(void *arg) {
  (void)arg;
  start_ms = now_ms();
  for (intptr_t i = 0; i < SLEEPERS; i++) snow_spawn(sleeper, (void *)i);
  snow_sleep_ms(20);
  threads_seen = count_threads(); /* 2 workers, no thread per timer */
}

static void test_many_sleepers(unsigned workers) {
  srand(7);
  for (int i = 0; i < SLEEPERS; i++) duration[i] = 1 + rand() % 150;
  atomic_store(&wake_count, 0);
  SnowSchedResult r = run(workers, sleepers_main, NULL);
  double total = now_ms() - start_ms;
  CHECK(atomic_load(&wake_count) == SLEEPERS);
  int early = 0, very_late = 0;
  for (int i = 0; i < SLEEPERS; i++) {
    double slept = woke_at[i] - began_at[i];
    if (slept < duration[i]) early++;
    if (slept > duration[i] + 100) very_late++;
  }
  CHECK(early == 0);
  CHECK(very_late == 0);
  /* With one worker, processes resume exactly in deadline order (timers
   * fire in heap order onto one FIFO run queue). */
  if (workers == 1) {
    int inversions = 0;
    for (int k = 1; k < SLEEPERS; k++)
      if (deadline_ns[wake_order[k]] < deadline_ns[wake_order[k - 1]]) inversions++;
    if (inversions) printf("%d wake-order inversions\n", inversions);
    CHECK(inversions == 0);
  }
  CHECK(threads_seen == baseline_threads + (int)workers - 1); /* no thread per timer */
  CHECK(total < SLEEPERS_BOUND_MS, "%d sleepers took %.0f ms", SLEEPERS, total);
  CHECK(r.abandoned == 0);
  printf("%d sleepers done in %.0f ms\n", SLEEPERS, total);
}

/* ---- one sleep: accuracy; sleep(<=0) just yields; the run waits for it */
static double slept_ms, zero_ms;

static void one_sleep(void *arg) {
  (void)arg;
  double t0 = now_ms();
  snow_sleep_ms(0);
  snow_sleep_ms(-5);
  zero_ms = now_ms() - t0;
  t0 = now_ms();
  snow_sleep_ms(30);
  slept_ms = now_ms() - t0;
}

static void test_single_sleep(void) {
  double t0 = now_ms();
  run(1, one_sleep, NULL);
  double total = now_ms() - t0;
  CHECK(zero_ms < 10);
  CHECK(slept_ms >= 30 && slept_ms < 80);
  CHECK(total >= 30 && total < 200);
  CHECK(snow_timer_pending() == 0);
  /* outside a process sleep really sleeps */
  t0 = now_ms();
  snow_sleep_ms(10);
  CHECK(now_ms() - t0 >= 10);
}

/* ---- a sleeping process is not woken by messages */
static double sleeper_slept;
static size_t mailbox_after_sleep;

static void deaf_sleeper(void *arg) {
  (void)arg;
  double t0 = now_ms();
  snow_sleep_ms(40);
  sleeper_slept = now_ms() - t0;
  mailbox_after_sleep = snow_mailbox_length();
}

static void deaf_main(void *arg) {
  (void)arg;
  SnowPid p = snow_spawn(deaf_sleeper, NULL);
  for (int i = 0; i < 5; i++) {
    snow_sleep_ms(2);
    snow_send(p, 0, "x", 1);
  }
}

static void test_sleep_ignores_messages(void) {
  run(2, deaf_main, NULL);
  CHECK(sleeper_slept >= 40);
  CHECK(mailbox_after_sleep == 5);
}

/* ---- busy processes do not delay timers much (workers check the heap
 * between processes) */
static atomic_int stop_busy;
static double busy_sleep_ms;

static void busy_loop(void *arg) {
  (void)arg;
  while (!atomic_load(&stop_busy)) snow_reduce();
}

static void timely(void *arg) {
  (void)arg;
  double t0 = now_ms();
  snow_sleep_ms(20);
  busy_sleep_ms = now_ms() - t0;
  atomic_store(&stop_busy, 1);
}

static void busy_main(void *arg) {
  (void)arg;
  snow_spawn(busy_loop, NULL);
  snow_spawn(busy_loop, NULL);
  snow_spawn(timely, NULL);
}

static void test_timers_under_load(void) {
  atomic_store(&stop_busy, 0);
  run(1, busy_main, NULL);
  CHECK(busy_sleep_ms >= 20 && busy_sleep_ms < 60);
}

int main(void) {
  baseline_threads = count_threads_baseline();
  test_single_sleep();
  test_many_sleepers(1);
  test_many_sleepers(2);
  test_sleep_ignores_messages();
  test_timers_under_load();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
