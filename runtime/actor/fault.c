/* fault.c — turning a fault in a process's guard area into the fatal
 * `stack overflow in process <0.N>` message (actor.h; concurrency.md §17,
 * the MINIMUM behaviour). The handler runs on the worker's alternate signal
 * stack (sched.c installs one per worker thread). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "process.h"

#include "../core/io.h"

#include <pthread.h>
#include <signal.h>
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

static void on_fault(int sig, siginfo_t *info, void *uctx) {
  if (snow_stack_guard_hit((uintptr_t)info->si_addr)) {
    char line[96];
    static const char head[] = "[snow-rt] fatal: stack overflow in process <0.";
    size_t len = sizeof head - 1;
    memcpy(line, head, len);
    SnowProcess *p = snow_current_process;
    len += format_u64(line + len, p ? p->pid : 0);
    line[len++] = '>';
    line[len++] = '\n';
    snow_stdout_flush();
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
