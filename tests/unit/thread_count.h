/* thread_count.h — for the scheduler unit tests: how many threads the test
 * process has right now (from /proc/self/task; -1 when unreadable), to check
 * that worker threads are gone after a run and that timers cost no thread. */
#ifndef SNOW_TEST_THREAD_COUNT_H
#define SNOW_TEST_THREAD_COUNT_H

#include <dirent.h>
#include <pthread.h>

#include "unit.h"

static inline int count_threads(void) {
  DIR *d = opendir("/proc/self/task");
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static inline void *thread_count_noop(void *arg) { return arg; }

/* The count later counts are compared with, taken before any run.
 * ThreadSanitizer starts a background thread of its own when the program
 * first creates a thread, and keeps it to the end; under TSan a thread is
 * created and joined first, so that one is in the baseline already. */
static inline int count_threads_baseline(void) {
  if (SNOW_TEST_TSAN) {
    pthread_t t;
    if (pthread_create(&t, NULL, thread_count_noop, NULL) == 0) pthread_join(t, NULL);
  }
  return count_threads();
}

#endif
