/* restart_window.h — a supervisor's restart intensity (concurrency.md §15.6).
 *
 * Contract. The window remembers the time of every restart it admitted.
 * snow_restart_window_admit(w, t) is asked when a restart is due at time t
 * (milliseconds, non-decreasing between calls): entries older than
 * t - max_ms are discarded (an entry at exactly t - max_ms stays); if at
 * least max_restarts entries remain it returns 0 (give up) and records
 * nothing, else it records t and returns 1. max_restarts 0 never admits.
 * Ownership: the times array is malloc'd and owned by the window. */
#ifndef SNOW_ACTOR_RESTART_WINDOW_H
#define SNOW_ACTOR_RESTART_WINDOW_H

#include <stdint.h>

typedef struct SnowRestartWindow {
  int64_t max_restarts, max_ms;
  int64_t *times; /* admitted restarts inside the window, oldest first */
  int64_t n, cap;
} SnowRestartWindow;

void snow_restart_window_init(SnowRestartWindow *w, int64_t max_restarts, int64_t max_ms);
int snow_restart_window_admit(SnowRestartWindow *w, int64_t t_ms);
void snow_restart_window_free(SnowRestartWindow *w);

#endif
