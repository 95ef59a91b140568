/* test_actor_overflow.c — a stack overflow inside runtime or C library code
 * (runtime/actor/fault.c, stack.h's snow_stack_lift_guard): the code that
 * faulted finishes on the lifted top of the guard — here a section holding
 * a mutex, which must not stay locked — and the overflow is raised at the
 * process's next reduction point or blocking operation; a second fault in
 * the rest of the guard unwinds at once; the stack's guard is whole again
 * when the stack is reused. (The unit tests contain no Snow code, so every
 * fault here counts as one in C code.) */
#include "../../runtime/actor/actor.h"
#include "../../runtime/actor/proc.h"
#include "../../runtime/actor/process.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "unit.h"

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int section_done, after_raise, tests_done;

enum { AT_REDUCTION, AT_BLOCKING, TWICE };

/* Touches `bytes` of stack below the caller under the mutex, highest
 * address first (as a growing stack does), so the fault happens inside. */
__attribute__((noinline)) static void locked_section(size_t bytes) {
  pthread_mutex_lock(&shared_lock);
  volatile char *area = __builtin_alloca(bytes);
  for (size_t i = bytes; i >= 64; i -= 64) area[i - 64] = 1;
  pthread_mutex_unlock(&shared_lock);
  atomic_store(&section_done, 1);
}

/* Recurses until less than `left` bytes of usable stack remain, then runs
 * the locked section and what follows it. */
__attribute__((noinline)) static int descend(int mode, size_t left) {
  volatile char pad[192];
  pad[0] = 1;
  SnowProcess *p = snow_current_process_get();
  size_t remaining = (size_t)((char *)__builtin_frame_address(0) - p->stack->lo);
  if (remaining > left) return descend(mode, left) + pad[0];
  locked_section(mode == TWICE ? 64 * 1024 : 4 * 1024);
  if (mode == AT_BLOCKING) {
    snow_proc_wait(NULL, NULL, 0); /* a blocking operation (a poll) */
  } else {
    snow_reduce(); /* a reduction point */
  }
  atomic_store(&after_raise, 1);
  return pad[0];
}

static void body(void *arg) { descend((int)(intptr_t)arg, 1024); }

static int ended_by_overflow(SnowPid pid, int64_t ref) {
  for (;;) {
    SnowMessage *m = snow_proc_wait(NULL, NULL, -1);
    const SnowSignal *s = (const SnowSignal *)(const void *)m->data;
    int mine = m->tag == SNOW_ENTRY_SIGNAL && s->kind == SNOW_SIGNAL_DOWN && s->from == pid &&
               s->ref == ref;
    int ok = mine && s->reason.code == SNOW_REASON_ERROR && s->reason.text &&
             strcmp(s->reason.text, "stack overflow") == 0;
    snow_entry_free(m);
    if (mine) return ok;
  }
}

static void run_case(int mode, const char *name) {
  atomic_store(&section_done, 0);
  atomic_store(&after_raise, 0);
  SnowPid pid = snow_proc_spawn(body, (void *)(intptr_t)mode, NULL);
  int64_t ref = snow_monitor(pid);
  CHECK(ended_by_overflow(pid, ref), "%s: ended with Error(stack overflow)", name);
  CHECK(atomic_load(&after_raise) == 0, "%s: nothing ran after the raise point", name);
  int free_now = pthread_mutex_trylock(&shared_lock) == 0;
  CHECK(free_now, "%s: the mutex taken before the fault was released", name);
  if (free_now) pthread_mutex_unlock(&shared_lock);
  if (mode == TWICE)
    CHECK(atomic_load(&section_done) == 0, "a second fault unwinds at once");
  else
    CHECK(atomic_load(&section_done) == 1, "%s: the faulting section finished", name);
}

static void tests(void *arg) {
  (void)arg;
  /* Each case reuses the stacks freed by the previous ones: a guard that
   * was not put back would let the next case run past it. */
  for (int round = 0; round < 3; round++) {
    run_case(AT_REDUCTION, "reduction point");
    run_case(AT_BLOCKING, "blocking operation");
  }
  /* 64 KiB under the mutex: more than the lifted part, the rest of the
   * guard stops it; the mutex then stays locked (the known limit), so this
   * case runs last and checks only the unwinding. */
  atomic_store(&section_done, 0);
  atomic_store(&after_raise, 0);
  SnowPid pid = snow_proc_spawn(body, (void *)(intptr_t)TWICE, NULL);
  int64_t ref = snow_monitor(pid);
  CHECK(ended_by_overflow(pid, ref), "twice: ended with Error(stack overflow)");
  CHECK(atomic_load(&section_done) == 0 && atomic_load(&after_raise) == 0);
  atomic_store(&tests_done, 1);
}

static void root(void *arg) {
  (void)arg;
  snow_proc_spawn(tests, NULL, NULL);
}

int main(void) {
  snow_actor_install_overflow_handler();
  SnowSchedOptions o = {.workers = 2};
  snow_sched_run(&o, root, NULL);
  CHECK(atomic_load(&tests_done));
  return unit_summary();
}
