/* panic.h — fatal paths and stack-overflow detection (internal).
 *
 * Contract. Panics and fatal errors flush standard output, write one line to
 * standard error and end the process with status 134 (concurrency.md §19).
 * snow_install_overflow_handler() sets up an alternate signal stack and a
 * SIGSEGV/SIGBUS handler that turns a fault in the guard area of the main
 * thread's stack into `Snow panic: stack overflow`; other faults get the
 * default action. It also makes SIGINT/SIGTERM/SIGHUP flush standard output
 * before the process dies of the signal. */
#ifndef SNOW_PANIC_H
#define SNOW_PANIC_H

#include <stdint.h>

/* `[snow-rt] fatal: DESCRIPTION`, flush, exit 134. */
_Noreturn void snow_fatal(const char *description);
/* stack_base: highest address of the main thread's stack. */
void snow_install_overflow_handler(void *stack_base);
/* Formats "MSG at FILE:LINE" panics with a message of `len` bytes. */
_Noreturn void snow_panic_bytes(const char *msg, uint64_t len, const char *file, int64_t line);
/* supervisors area (runtime/actor/panic_trap.c): when the calling process
 * has set a panic trap, reports the panic and longjmps to it; else returns. */
void snow_panic_trap_fire(const char *msg, uint64_t len, const char *file, int64_t line);

/* Process runtime hook (runtime/actor/proc.c): in a process other than
 * main, prints `Snow panic in process <0.N>: ...` and unwinds the process
 * (does not return); returns in main or outside any process. */
void snow_proc_on_panic(const char *msg, uint64_t len, const char *file, int64_t line);

#endif
