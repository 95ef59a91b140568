/* panic_trap.h — catching a panic of the calling process (internal to
 * runtime/), for runtime code that must survive user code failing: a
 * supervisor evaluating a child's start closure (concurrency.md §15.3,
 * §15.9) reports the failure instead of dying.
 *
 * Contract. Between snow_panic_trap_push(t) and snow_panic_trap_pop(t) a
 * panic of the calling process (snow_panic_bytes, the one path of every
 * Snow panic) prints its usual §19 line (snow_proc_report_panic), stores
 * the message in t->msg (malloc'd, NUL-terminated, owned by the trap's
 * owner) and longjmps to t->jump with value 1; the trap is popped already.
 * Traps are per process (keyed by PID, so a process may migrate between
 * threads while a trap is set) and nest (the innermost fires). The caller
 * must not return from the frame that called setjmp while the trap is
 * pushed. A process that is abandoned by a longjmp to its landing point
 * (an exit signal, a kill) leaves its traps behind: they are never matched
 * again (PIDs are never reused) and are dropped by the next push once the
 * process is dead; a process that may run code after such a jump (an exit
 * hook) calls snow_panic_trap_forget_self() first. */
#ifndef SNOW_ACTOR_PANIC_TRAP_H
#define SNOW_ACTOR_PANIC_TRAP_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "actor.h"

typedef struct SnowPanicTrap {
  jmp_buf jump;
  char *msg; /* set when the trap fired */
} SnowPanicTrap;

void snow_panic_trap_push(SnowPanicTrap *t);
void snow_panic_trap_pop(SnowPanicTrap *t);
void snow_panic_trap_forget_self(void);

#endif
