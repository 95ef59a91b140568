/* proc_internal.h — helpers shared by the files of the process layer
 * (proc.c, messaging.c, timers_rt.c, registry.c, fault.c); not for service.c
 * & co., which use proc.h. */
#ifndef SNOW_ACTOR_PROC_INTERNAL_H
#define SNOW_ACTOR_PROC_INTERNAL_H

#include "process.h"

/* SnowMessage.ref of the signal entries the runtime makes, so that freeing a
 * mailbox can tell them from substrate messages that reuse tag 1. */
#define SNOW_SIGNAL_MARK 0x5349474e414c0000ull

void snow_ps_lock(SnowProcess *p);
void snow_ps_unlock(SnowProcess *p);
/* Wakes p if it is blocked (receive, wait, sleep). Any thread. */
void snow_ps_wake(SnowProcess *p);
/* Queues an entry for p (referenced by the caller), waking it if it waits
 * for one. Any thread. */
void snow_ps_deliver(SnowProcess *p, SnowMessage *m);
/* In p itself: acts on a pending exit signal or a deferred stack overflow
 * (does not return then). */
void snow_ps_check_exit(SnowProcess *p);
/* fault.c: ends the calling process (one with a landing point) with the
 * stack overflow panic: its §19 line, then a jump to its landing point. */
_Noreturn void snow_fault_overflow_unwind(SnowProcess *self);

/* messaging.c: a USER entry holding a deep copy of msg. */
SnowMessage *snow_ps_pack_user(SnowWord msg, int64_t msg_is_ptr, SnowObj *msg_type);

/* The run-time type check of §5.3 in the sender: returns if t (referenced)
 * accepts msg_type; otherwise releases t and panics the caller. */
void snow_ps_check_type(SnowProcess *t, SnowObj *msg_type);

/* registry.c: step 2 of §10.8. */
void snow_registry_remove_pid(SnowPid pid);
/* timers_rt.c: cancels and frees the pending send_after deliveries to a
 * process that stopped being alive (the list was detached under its lock). */
struct SnowSendAfter;
void snow_send_after_detach(struct SnowSendAfter *list);

#endif
