/* bigstack.c — see bigstack.h. */
#include "bigstack.h"

#include <pthread.h>
#include <stddef.h>

typedef struct BigStackCall {
  int (*fn)(void *);
  void *arg;
  int result;
} BigStackCall;

static void *trampoline(void *p) {
  BigStackCall *call = p;
  call->result = call->fn(call->arg);
  return NULL;
}

int run_on_big_stack(int (*fn)(void *), void *arg) {
  BigStackCall call = {fn, arg, 0};
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) != 0) return fn(arg);
  int ok = pthread_attr_setstacksize(&attr, COMPILER_STACK_BYTES) == 0 &&
           pthread_create(&thread, &attr, trampoline, &call) == 0;
  pthread_attr_destroy(&attr);
  if (!ok) return fn(arg);
  pthread_join(thread, NULL);
  return call.result;
}
