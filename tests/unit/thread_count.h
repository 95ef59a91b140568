/* thread_count.h — for the scheduler unit tests: how many threads the test
 * process has right now (from /proc/self/task; -1 when unreadable), to check
 * that worker threads are gone after a run and that timers cost no thread. */
#ifndef SNOW_TEST_THREAD_COUNT_H
#define SNOW_TEST_THREAD_COUNT_H

#include <dirent.h>

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

#endif
