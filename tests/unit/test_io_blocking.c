/* test_io_blocking.c — the blocking-thread pool (runtime/io/blocking.h):
 * direct calls outside a process, parallel parked calls that leave the
 * scheduler threads free, more calls than pool threads, one worker, and a
 * process killed while its call runs. */
#include "../../runtime/actor/actor.h"
#include "../../runtime/actor/proc.h"
#include "../../runtime/io/blocking.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "sched_test_util.h"
#include "unit.h"

static void *twice(void *arg) { return (void *)((intptr_t)arg * 2); }

/* ---- outside a process: a direct call */
static void test_outside(void) {
  CHECK(snow_blocking_run(twice, (void *)21) == (void *)42);
}

/* ---- 4 slow calls at once on 2 workers while a counter keeps running */
static atomic_long counter;
static atomic_int stop_counting, blockers_done;
static atomic_int progressed; /* calls during which the counter advanced */
static intptr_t results[4];

static void count_forever(void *arg) {
  (void)arg;
  while (!atomic_load(&stop_counting)) {
    atomic_fetch_add(&counter, 1);
    snow_yield();
  }
}

static void *slow_twice(void *arg) {
  long before = atomic_load(&counter);
  usleep(200 * 1000);
  if (atomic_load(&counter) > before) atomic_fetch_add(&progressed, 1);
  return twice(arg);
}

static void blocker(void *arg) {
  intptr_t i = (intptr_t)arg;
  results[i] = (intptr_t)snow_blocking_run(slow_twice, (void *)(i + 10));
  if (atomic_fetch_add(&blockers_done, 1) == 3) atomic_store(&stop_counting, 1);
}

static void parallel_main(void *arg) {
  (void)arg;
  snow_spawn(count_forever, NULL);
  for (intptr_t i = 0; i < 4; i++) snow_spawn(blocker, (void *)i);
}

static void test_parallel(unsigned workers) {
  atomic_store(&counter, 0);
  atomic_store(&stop_counting, 0);
  atomic_store(&blockers_done, 0);
  atomic_store(&progressed, 0);
  double t0 = now_ms();
  SnowSchedResult r = run(workers, parallel_main, NULL);
  double ms = now_ms() - t0;
  CHECK(r.main_finished && r.abandoned == 0);
  CHECK(atomic_load(&blockers_done) == 4);
  for (int i = 0; i < 4; i++) CHECK(results[i] == 2 * (i + 10), "result %d: %ld", i, (long)results[i]);
  /* Parked callers free their workers: the counter ran during every call. */
  CHECK(atomic_load(&progressed) == 4, "progress during %d of 4 calls", atomic_load(&progressed));
  /* The pool (4 threads) runs the calls side by side, not one after another
   * (must-finish bound: sequential calls would take 800 ms). */
  CHECK(ms < 790, "%.0f ms", ms);
}

/* ---- many more calls than pool threads, from many processes */
enum { MANY = 60 };
static atomic_int many_ok;

static void *sum_to(void *arg) {
  intptr_t n = (intptr_t)arg, s = 0;
  for (intptr_t i = 1; i <= n; i++) s += i;
  usleep(1000);
  return (void *)s;
}

static void many_caller(void *arg) {
  intptr_t n = (intptr_t)arg;
  for (int k = 0; k < 3; k++)
    if ((intptr_t)snow_blocking_run(sum_to, (void *)(n + k)) == (n + k) * (n + k + 1) / 2)
      atomic_fetch_add(&many_ok, 1);
}

static void many_main(void *arg) {
  (void)arg;
  for (intptr_t i = 0; i < MANY; i++) snow_spawn(many_caller, (void *)i);
}

static void test_many(void) {
  atomic_store(&many_ok, 0);
  SnowSchedResult r = run(2, many_main, NULL);
  CHECK(r.main_finished && r.abandoned == 0);
  CHECK(atomic_load(&many_ok) == 3 * MANY, "%d ok", atomic_load(&many_ok));
  CHECK(snow_blocking_pool_size() >= 1);
}

/* ---- a process killed while its call runs */
static atomic_int call_started, call_finished, after_call;

static void *slow_flagged(void *arg) {
  atomic_store(&call_started, 1);
  usleep(150 * 1000);
  atomic_store(&call_finished, 1);
  return arg;
}

static void victim(void *arg) {
  (void)arg;
  snow_blocking_run(slow_flagged, NULL);
  atomic_store(&after_call, 1); /* never: the kill takes effect first */
}

static void kill_main(void *arg) {
  (void)arg;
  SnowPid v = snow_proc_spawn(victim, NULL, NULL);
  while (!atomic_load(&call_started)) snow_sleep_ms(1);
  SnowReason kill = snow_reason_make(SNOW_REASON_KILLED, NULL);
  snow_proc_signal_exit(v, &kill);
  snow_reason_free(&kill);
  while (snow_proc_is_alive(v)) snow_sleep_ms(2);
  /* The victim ended only once the call was over (its memory was in use). */
  CHECK(atomic_load(&call_finished) == 1);
  CHECK(atomic_load(&after_call) == 0);
}

static void test_killed(void) {
  SnowSchedResult r = run(2, kill_main, NULL);
  CHECK(r.main_finished && r.abandoned == 0);
  CHECK(atomic_load(&call_finished) == 1);
}

int main(void) {
  test_outside();
  test_parallel(2);
  test_parallel(1);
  test_many();
  test_killed();
  return unit_summary();
}
