/* fault.c — stack overflow at a process's guard page (actor.h;
 * concurrency.md §17). The handler runs on the worker's alternate signal
 * stack (sched.c installs one per worker thread):
 *   - in the main process: `Snow panic: stack overflow`, status 134 (§9.3);
 *   - in another Snow process (one with a landing point, proc.c): the line
 *     `Snow panic in process <0.N>: stack overflow`, then a longjmp to the
 *     process's landing point at the top of its stack, where it terminates
 *     with Error("stack overflow") (the SHOULD of §17; the landing code
 *     unblocks SIGSEGV/SIGBUS again and builds the reason's text). At once
 *     when the fault is in Snow code (the SNOW_CODE_SECTION of snow_rt.h),
 *     which holds no lock; a fault in runtime or C library code, which may
 *     hold one (stdout, malloc, a process lock), first lifts the top of the
 *     guard (stack.h) and lets that code finish: the overflow is raised at
 *     the process's next reduction point or blocking operation
 *     (SnowProcess.overflow_pending, proc.c), or at once if it faults again;
 *   - in a bare substrate process (snow_spawn): the fatal
 *     `[snow-rt] fatal: stack overflow in process <0.N>` and status 134.
 * Other faults go to the previously installed handler. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "proc_internal.h"
#include "process.h"

#include "../core/io.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>
#include <string.h>
#include <unistd.h>

/* Documented runtime state: the handlers we chain to for other faults. */
static struct sigaction previous_segv, previous_bus;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

int snow_actor_is_stack_guard(uintptr_t addr) { return snow_stack_guard_hit(addr); }

static size_t format_u64(char *out, uint64_t v) {
  char tmp[24];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  return n;
}

/* The generated code's section (snow_rt.h); weak: absent in the unit tests. */
extern const char __start_snow_code[] __attribute__((weak));
extern const char __stop_snow_code[] __attribute__((weak));

static int in_snow_code(uintptr_t pc) {
  return __start_snow_code && pc >= (uintptr_t)__start_snow_code &&
         pc < (uintptr_t)__stop_snow_code;
}

/* The faulting instruction's address, or 0 when unknown. */
static uintptr_t fault_pc(void *uctx) {
  const ucontext_t *uc = uctx;
#if defined(__x86_64__)
  return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
  return (uintptr_t)uc->uc_mcontext.pc;
#else
  (void)uc;
  return 0;
#endif
}

_Noreturn void snow_fault_overflow_unwind(SnowProcess *self) {
  /* The landing frame is at the top of the stack, far from the guard; the
   * reason's text is made there (no malloc in a signal handler). */
  char line[96];
  static const char head[] = "Snow panic in process <0.";
  size_t len = sizeof head - 1;
  memcpy(line, head, len);
  len += format_u64(line + len, self->pid);
  static const char tail[] = ">: stack overflow\n";
  memcpy(line + len, tail, sizeof tail - 1);
  len += sizeof tail - 1;
  snow_write_all(2, line, len);
  self->overflow_pending = 0;
  self->ps.overflowed = 1;
  self->ps.landing_code = 5; /* SNOW_REASON_ERROR */
  self->ps.landing_text = NULL;
  self->ps.landing_kill = 0;
  longjmp(*self->ps.landing, 1);
}

static void on_fault(int sig, siginfo_t *info, void *uctx) {
  if (snow_stack_guard_hit((uintptr_t)info->si_addr)) {
    SnowProcess *self = snow_current_process;
    if (self && self->ps.is_main) { /* §17: main follows §9.3 */
      static const char line[] = "Snow panic: stack overflow\n";
      snow_stdout_flush_unlocked();
      snow_write_all(2, line, sizeof line - 1);
      _exit(134);
    }
    if (self && self->ps.landing) { /* §17 SHOULD: only this process dies */
      if (!in_snow_code(fault_pc(uctx)) && !self->overflow_pending && self->stack &&
          snow_stack_lift_guard(self->stack)) {
        self->overflow_pending = 1;
        snow_reductions = 0; /* the next reduction point takes the slow path */
        return;              /* the faulting access is retried, now in bounds */
      }
      snow_fault_overflow_unwind(self);
    }
    char line[96];
    static const char head[] = "[snow-rt] fatal: stack overflow in process <0.";
    size_t len = sizeof head - 1;
    memcpy(line, head, len);
    SnowProcess *p = snow_current_process;
    len += format_u64(line + len, p ? p->pid : 0);
    line[len++] = '>';
    line[len++] = '\n';
    snow_stdout_flush_unlocked();
    snow_write_all(2, line, len);
    _exit(134);
  }
  const struct sigaction *prev = sig == SIGSEGV ? &previous_segv : &previous_bus;
  if ((prev->sa_flags & SA_SIGINFO) && prev->sa_sigaction) {
    prev->sa_sigaction(sig, info, uctx);
    return;
  }
  if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
    prev->sa_handler(sig);
    return;
  }
  signal(sig, SIG_DFL); /* the fault repeats with the default action */
}

static void install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &previous_segv);
  sigaction(SIGBUS, &sa, &previous_bus);
}

void snow_actor_install_overflow_handler(void) { pthread_once(&install_once, install); }
