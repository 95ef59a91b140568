/* panic.c — panics, fatal errors and the stack-overflow handler. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "panic.h"

#include "gc.h"
#include "io.h"
#include "text.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

/* Appends src (n bytes) to dst at *len, never past cap. */
static void put(char *dst, size_t *len, size_t cap, const char *src, size_t n) {
  if (*len + n > cap) n = cap - *len;
  memcpy(dst + *len, src, n);
  *len += n;
}

_Noreturn void snow_panic_bytes(const char *msg, uint64_t msg_len, const char *file, int64_t line) {
  snow_panic_trap_fire(msg, msg_len, file, line); /* a supervisor's start closure (panic_trap.h) */
  /* Crash isolation (concurrency.md §10.2): in a process other than main
   * this prints the process's panic line and unwinds it, not returning. */
  snow_proc_on_panic(msg, msg_len, file, line);
  snow_stdout_flush();
  char buf[4096];
  size_t len = 0, cap = sizeof buf - 1;
  put(buf, &len, cap, "Snow panic: ", 12);
  if (msg_len > 3000) { /* long messages: write them directly */
    snow_write_all(2, buf, len);
    snow_write_all(2, msg, msg_len);
    len = 0;
  } else {
    put(buf, &len, cap, msg, msg_len);
  }
  if (file) {
    char num[32];
    int n = snprintf(num, sizeof num, ":%lld", (long long)line);
    put(buf, &len, cap, " at ", 4);
    put(buf, &len, cap, file, strlen(file));
    put(buf, &len, cap, num, (size_t)n);
  }
  buf[len++] = '\n';
  snow_write_all(2, buf, len);
  _exit(134);
}

_Noreturn void snow_panic(const char *msg, const char *file, int64_t line) {
  snow_panic_bytes(msg, strlen(msg), file, line);
}

_Noreturn void snow_panic_str(SnowObj *msg, const char *file, int64_t line) {
  snow_panic_bytes(snow_str_bytes(msg), snow_str_len(msg), file, line);
}

_Noreturn void snow_panic_div_zero(const char *file, int64_t line) {
  snow_panic("division by zero", file, line);
}

_Noreturn void snow_panic_no_match(const char *file, int64_t line) {
  snow_panic("non-exhaustive match", file, line);
}

_Noreturn void snow_fatal(const char *description) {
  snow_stdout_flush();
  char buf[512];
  size_t len = 0, cap = sizeof buf - 1;
  put(buf, &len, cap, "[snow-rt] fatal: ", 17);
  put(buf, &len, cap, description, strlen(description));
  buf[len++] = '\n';
  snow_write_all(2, buf, len);
  _exit(134);
}

_Noreturn void snow_fatal_oom(void) { snow_fatal("out of memory"); }

/* ---------------------------------------------------------------- overflow */

/* Documented runtime state: the main stack's extent for the fault handler. */
static uintptr_t main_stack_top, main_stack_limit;
static char alt_stack[64 * 1024];

static uintptr_t fault_stack_pointer(void *uctx) {
#if defined(__x86_64__) && defined(REG_RSP)
  return (uintptr_t)((ucontext_t *)uctx)->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
  return (uintptr_t)((ucontext_t *)uctx)->uc_mcontext.sp;
#else
  (void)uctx;
  return 0;
#endif
}

static void on_fault(int sig, siginfo_t *info, void *uctx) {
  uintptr_t addr = (uintptr_t)info->si_addr;
  uintptr_t sp = fault_stack_pointer(uctx);
  /* Our stack_base lies a little below the real top of the stack (argv and
   * the environment sit above it), so the real growth limit is at most that
   * much above main_stack_limit: accept faults (or a stack pointer) within
   * 1 MiB of the limit, the kernel's guard gap included. */
  uintptr_t lo = main_stack_limit > (1u << 20) ? main_stack_limit - (1u << 20) : 0;
  uintptr_t hi = main_stack_limit + (1u << 20);
  int in_guard = addr >= lo && addr < hi;
  int near_sp = sp >= lo && sp < hi && addr + (64u << 10) >= sp && addr <= sp + (64u << 10);
  if (in_guard || near_sp) {
    static const char line[] = "Snow panic: stack overflow\n";
    snow_stdout_flush_unlocked();
    snow_write_all(2, line, sizeof line - 1);
    _exit(134);
  }
  /* not ours: default action on return (the fault repeats) */
  signal(sig, SIG_DFL);
}

/* SIGINT/SIGTERM/SIGHUP: write out buffered lines, then die of the signal
 * as before (so output written before an interruption is not lost). */
static void on_terminate(int sig) {
  snow_stdout_flush_unlocked();
  signal(sig, SIG_DFL);
  raise(sig);
}

void snow_install_overflow_handler(void *stack_base) {
  int terminating[] = {SIGINT, SIGTERM, SIGHUP};
  for (unsigned i = 0; i < sizeof terminating / sizeof terminating[0]; i++) {
    struct sigaction old;
    /* keep an inherited "ignore" disposition (nohup, background jobs) */
    if (sigaction(terminating[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    signal(terminating[i], on_terminate);
  }
  struct rlimit rl;
  uint64_t size = 8u << 20;
  if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) size = rl.rlim_cur;
  main_stack_top = (uintptr_t)stack_base;
  main_stack_limit = main_stack_top > size ? main_stack_top - size : 0;
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  if (sigaltstack(&ss, NULL) != 0) return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
}
