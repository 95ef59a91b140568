/* start.c — program start (snow_rt_main) and closure calls. */
#include "gc.h"
#include "io.h"
#include "panic.h"

/* Documented runtime state: the command line, for Env (later issues). */
int snow_rt_argc;
char **snow_rt_argv;

int snow_rt_main(int argc, char **argv, SnowWord (*snow_main)(void)) {
  snow_rt_argc = argc;
  snow_rt_argv = argv;
  /* Everything the Snow program keeps on the stack lives below this frame. */
  void *stack_base = __builtin_frame_address(0);
  snow_gc_init_main(stack_base);
  snow_install_overflow_handler(stack_base);
  snow_main();
  snow_stdout_flush();
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
