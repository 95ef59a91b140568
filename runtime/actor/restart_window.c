/* restart_window.c — a supervisor's restart intensity (restart_window.h). */
#include "restart_window.h"

#include <stdlib.h>

#include "../core/panic.h"

void snow_restart_window_init(SnowRestartWindow *w, int64_t max_restarts, int64_t max_ms) {
  w->max_restarts = max_restarts;
  w->max_ms = max_ms;
  w->times = NULL;
  w->n = w->cap = 0;
}

int snow_restart_window_admit(SnowRestartWindow *w, int64_t t_ms) {
  int64_t keep = 0;
  for (int64_t i = 0; i < w->n; i++)
    if (w->times[i] >= t_ms - w->max_ms) w->times[keep++] = w->times[i];
  w->n = keep;
  if (w->n >= w->max_restarts) return 0;
  if (w->n == w->cap) {
    int64_t cap = w->cap ? 2 * w->cap : 8;
    int64_t *grown = realloc(w->times, (size_t)cap * sizeof *grown);
    if (!grown) snow_fatal("out of memory");
    w->times = grown;
    w->cap = cap;
  }
  w->times[w->n++] = t_ms;
  return 1;
}

void snow_restart_window_free(SnowRestartWindow *w) {
  free(w->times);
  w->times = NULL;
  w->n = w->cap = 0;
}
