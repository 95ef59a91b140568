/* start.c — program start (snow_rt_main) and closure calls.
 *
 * snow_rt_main runs the Snow `main` as process <0.0> on the M:N scheduler
 * (concurrency.md §9.1), on a lazily committed stack as large as the
 * platform's main-thread stack (RLIMIT_STACK, 8 MiB when unlimited), and
 * returns 0 at quiescence after flushing standard output (§9.2) — or 1 with
 * the deadlock line of §9.5 when main itself is still blocked then. A panic
 * or an abnormal exit of main ends the program with status 134 from inside
 * the process runtime (§9.3). */
#include "gc.h"
#include "io.h"
#include "panic.h"

#include "../actor/actor.h"
#include "../actor/proc.h"

#include <sys/resource.h>

/* Documented runtime state: the command line, for Env (later issues). */
int snow_rt_argc;
char **snow_rt_argv;

int snow_rt_main(int argc, char **argv, SnowWord (*snow_main)(void)) {
  snow_rt_argc = argc;
  snow_rt_argv = argv;
  /* SIGINT & co. flush stdout; faults on the initial thread's own stack
   * are still recognised (the scheduler's worker 0 runs on it). */
  snow_install_overflow_handler(__builtin_frame_address(0));
  /* Guard-page faults of process stacks: per-process stack overflow. */
  snow_actor_install_overflow_handler();
  size_t main_stack = (size_t)8 << 20;
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > main_stack)
    main_stack = rl.rlim_cur > ((rlim_t)1 << 30) ? (size_t)1 << 30 : (size_t)rl.rlim_cur;
  int main_finished = snow_proc_run_main(snow_main, main_stack);
  snow_stdout_flush();
  if (!main_finished) {
    /* Quiescence with main still blocked: it can never finish (§9.5). */
    static const char line[] =
        "[snow-rt] deadlock: main process is waiting but no process can run\n";
    snow_write_all(2, line, sizeof line - 1);
    return 1;
  }
  return 0;
}

typedef SnowWord (*Code0)(SnowObj *);
typedef SnowWord (*Code1)(SnowObj *, SnowWord);
typedef SnowWord (*Code2)(SnowObj *, SnowWord, SnowWord);
typedef SnowWord (*Code3)(SnowObj *, SnowWord, SnowWord, SnowWord);

SnowWord snow_call0(SnowObj *c) { return ((Code0)SNOW_PAYLOAD(c)[0])(c); }
SnowWord snow_call1(SnowObj *c, SnowWord a) { return ((Code1)SNOW_PAYLOAD(c)[0])(c, a); }
SnowWord snow_call2(SnowObj *c, SnowWord a, SnowWord b) {
  return ((Code2)SNOW_PAYLOAD(c)[0])(c, a, b);
}
SnowWord snow_call3(SnowObj *c, SnowWord a, SnowWord b, SnowWord d) {
  return ((Code3)SNOW_PAYLOAD(c)[0])(c, a, b, d);
}
