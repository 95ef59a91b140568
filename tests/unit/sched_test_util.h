/* sched_test_util.h — helpers shared by the C unit tests that drive the
 * scheduler directly (test_actor_sched.c, test_actor_mailbox.c,
 * test_actor_timer.c, test_io_blocking.c): a monotonic clock in
 * milliseconds, and one scheduler run with a given number of workers. */
#ifndef SNOW_SCHED_TEST_UTIL_H
#define SNOW_SCHED_TEST_UTIL_H

#include "../../runtime/actor/actor.h"

#include <time.h>

static inline double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline SnowSchedResult run(unsigned workers, SnowProcessEntry entry, void *arg) {
  SnowSchedOptions o = {.workers = workers};
  return snow_sched_run(&o, entry, arg);
}

#endif
