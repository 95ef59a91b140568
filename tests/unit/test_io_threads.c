/* test_io_threads.c — print/println are atomic per call and safe from many
 * threads (runtime/core/io.c; concurrency.md §7): four processes on four
 * scheduler threads print lines of different lengths into one redirected
 * stdout; every line must come out whole, none lost. */
#include "../../runtime/actor/actor.h"
#include "../../runtime/actor/proc.h"
#include "../../runtime/core/io.h"
#include "snow_rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

enum { THREADS = 4, LINES = 5000 };

static void printer(void *arg) {
  int t = (int)(intptr_t)arg;
  char buf[600];
  for (int i = 0; i < LINES; i++) {
    /* thread t, line i, then a tail of (i % 500) copies of letter 'a'+t */
    int n = snprintf(buf, sizeof buf, "T%d L%d ", t, i);
    int tail = i % 500;
    memset(buf + n, 'a' + t, (size_t)tail);
    if (i % 2) {
      snow_println(snow_string_new(buf, (uint64_t)(n + tail)));
    } else {
      buf[n + tail] = '\n';
      snow_print(snow_string_new(buf, (uint64_t)(n + tail + 1)));
    }
    if (i % 64 == 0) snow_timer_sleep(0); /* interleave on one scheduler too */
  }
}

static void root(void *arg) {
  (void)arg;
  for (int t = 0; t < THREADS; t++) snow_proc_spawn(printer, (void *)(intptr_t)t, NULL);
}

int main(void) {
  char path[] = "/tmp/snow_io_threadsXXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  int saved = dup(1);
  dup2(fd, 1);
  SnowSchedOptions o = {.workers = THREADS};
  snow_sched_run(&o, root, NULL);
  snow_stdout_flush();
  dup2(saved, 1);
  close(saved);

  FILE *f = fopen(path, "r");
  CHECK(f != NULL);
  static char seen[THREADS][LINES];
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int bad = 0, count = 0;
  while (f && (len = getline(&line, &cap, f)) > 0) {
    int t = -1, i = -1, off = 0;
    if (sscanf(line, "T%d L%d%n", &t, &i, &off) != 2 || t < 0 || t >= THREADS || i < 0 ||
        i >= LINES || line[off] != ' ') {
      bad++;
      continue;
    }
    off++; /* the space */
    int tail = (int)len - 1 - off;
    int ok = line[len - 1] == '\n' && tail == i % 500;
    for (int k = 0; ok && k < tail; k++) ok = line[off + k] == 'a' + t;
    if (!ok) bad++;
    else seen[t][i]++;
    count++;
  }
  free(line);
  if (f) fclose(f);
  unlink(path);
  int missing = 0;
  for (int t = 0; t < THREADS; t++)
    for (int i = 0; i < LINES; i++) missing += seen[t][i] != 1;
  CHECK(bad == 0, "%d damaged lines", bad);
  CHECK(missing == 0, "%d lines missing or repeated", missing);
  CHECK(count == THREADS * LINES);
  return unit_summary();
}
