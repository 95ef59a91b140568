/* test_actor_restart_window.c — a supervisor's restart intensity window
 * (runtime/actor/restart_window.h, concurrency.md §15.6). */
#include "../../runtime/actor/restart_window.h"

#include "unit.h"

int main(void) {
  SnowRestartWindow w;

  /* 3 restarts in 5 s: the fourth inside the window gives up */
  snow_restart_window_init(&w, 3, 5000);
  CHECK(snow_restart_window_admit(&w, 0));
  CHECK(snow_restart_window_admit(&w, 1000));
  CHECK(snow_restart_window_admit(&w, 2000));
  CHECK(!snow_restart_window_admit(&w, 3000));
  CHECK(w.n == 3, "a refused restart is not recorded (n = %lld)", (long long)w.n);
  /* at 5000 the entry at 0 is exactly t - max: still inside */
  CHECK(!snow_restart_window_admit(&w, 5000));
  /* at 5001 it is older: discarded, one slot free */
  CHECK(snow_restart_window_admit(&w, 5001));
  CHECK(!snow_restart_window_admit(&w, 5002));
  /* long after: everything expired */
  CHECK(snow_restart_window_admit(&w, 100000));
  CHECK(w.n == 1);
  snow_restart_window_free(&w);

  /* max_restarts 0: the first restart gives up */
  snow_restart_window_init(&w, 0, 5000);
  CHECK(!snow_restart_window_admit(&w, 0));
  snow_restart_window_free(&w);

  /* §15.10 "Giving up": 2 restarts in 5 s, failures at once -> 2 admitted */
  snow_restart_window_init(&w, 2, 5000);
  int admitted = 0;
  while (snow_restart_window_admit(&w, 10))
    admitted++;
  CHECK(admitted == 2);
  snow_restart_window_free(&w);

  /* many restarts spread out never give up and the window stays small */
  snow_restart_window_init(&w, 3, 1000);
  int ok = 1;
  for (int64_t t = 0; t < 1000000; t += 400)
    ok &= snow_restart_window_admit(&w, t);
  CHECK(ok);
  CHECK(w.n <= 3 && w.cap <= 8);
  snow_restart_window_free(&w);
  return unit_summary();
}
