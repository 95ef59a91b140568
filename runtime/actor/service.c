/* service.c — service processes (concurrency.md §13): snow_service_start,
 * snow_service_call and snow_service_cast of snow_rt.h's "processes area".
 *
 * Contract.
 * - snow_service_start (in the caller): packs the args RECORD (copy.h),
 *   creates the service S (a C-bodied process, declared type
 *   "ServiceRequest", not linked unless the caller is in auto-link mode),
 *   monitors it and blocks until S reports the end of init (a REPLY entry
 *   with the start reference) or S dies (the monitor's Down). S runs
 *   init(args) under a panic trap (panic_trap.h): a panic prints its §19
 *   line, S reports the message and ends with Error(msg); the caller then
 *   panics `service init failed: MSG` (MSG: the panic message, or the
 *   Display of the reason S died with).
 * - S then serves REQUEST entries one at a time in mailbox order (other
 *   entries stay queued): a call runs dispatch(handler, state, args), which
 *   returns the (new_state, reply) tuple RECORD; the reply (field 1, pointer
 *   iff ptrmap bit 1) is packed into a REPLY entry with the request's ref and
 *   posted to the caller (dropped when the caller is dead); a cast's result
 *   is the new state. A handler panic ends S with Error(msg) through the
 *   ordinary process panic path. The state stays in S's heap, held by a
 *   volatile local of the serving loop (the stack is a root).
 * - snow_service_call: a call to oneself panics `service call failed: a
 *   service cannot call itself`; otherwise the caller monitors S, posts the
 *   REQUEST (ref = the monitor reference, unique per call) and waits for the
 *   REPLY with that ref or the Down of the monitor: the reply is unpacked
 *   into the caller's heap; a Down makes the caller panic `service call
 *   failed: <0.N> terminated (REASON)` (noproc for a dead or unknown PID).
 *   The monitor is cancelled and a Down already queued for it removed, so
 *   nothing of the call stays in the mailbox.
 * - snow_service_cast posts the REQUEST and returns; dropped when S is dead.
 * Ownership: request and reply entries belong to the mailbox they are posted
 * to. S gets init, dispatch and its args from a start entry (its first
 * REQUEST), so nothing leaks when S dies before its body runs. */
#include <setjmp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/gc.h"
#include "../core/panic.h"
#include "copy.h"
#include "panic_trap.h"
#include "proc.h"

/* Header of a REQUEST entry's data (the packed args RECORD follows). */
typedef struct ServiceRequest {
  SnowPid caller;
  int64_t handler;
  int64_t is_call; /* from the entry point used, so any number of handlers works */
} ServiceRequest;

/* Header of the REPLY that ends a start: status 0 = init finished, 1 = init
 * panicked (the NUL-terminated message follows). */
enum { START_OK, START_FAILED };

/* Header of the start entry: the first REQUEST of a service, posted by the
 * starter right after the spawn (the packed args RECORD follows). Passing
 * it through the mailbox rather than as the body's argument means nothing
 * leaks when the service is killed before its body runs. */
typedef struct ServiceStart {
  SnowServiceInit init;
  SnowServiceDispatch dispatch;
  SnowPid starter;
  uint64_t start_ref;
} ServiceStart;

/* Start references: unique per program run, never 0 (documented runtime
 * state; monitor references serve as call references). */
static _Atomic uint64_t next_start_ref = 1;

/* ---- matching entries ---- */

typedef struct WaitKey {
  uint64_t reply_ref; /* REPLY entries with this ref */
  int64_t monitor;    /* Down signals of this monitor */
} WaitKey;

static int is_down_of(const SnowMessage *m, int64_t monitor) {
  if (m->tag != SNOW_ENTRY_SIGNAL) return 0;
  const SnowSignal *s = (const SnowSignal *)m->data;
  return s->kind == SNOW_SIGNAL_DOWN && s->ref == monitor;
}

static int match_reply_or_down(const SnowMessage *m, void *ctx) {
  const WaitKey *k = ctx;
  return (m->tag == SNOW_ENTRY_REPLY && m->ref == k->reply_ref) || is_down_of(m, k->monitor);
}

static int match_down(const SnowMessage *m, void *ctx) {
  return is_down_of(m, *(const int64_t *)ctx);
}

static int match_request(const SnowMessage *m, void *ctx) {
  (void)ctx;
  return m->tag == SNOW_ENTRY_REQUEST;
}

/* Cancels the monitor and removes its Down if it was queued already. */
static void drop_monitor(int64_t monitor, SnowPid target) {
  snow_demonitor(monitor);
  /* alive after the cancellation: the monitor never fired, no Down to look
   * for (saves a scan of the whole mailbox on every call) */
  if (snow_proc_is_alive(target)) return;
  SnowMessage *late = snow_proc_wait(match_down, &monitor, 0);
  if (late) snow_entry_free(late);
}

/* a + b + c, malloc'd. */
static char *concat3(const char *a, const char *b, const char *c) {
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
  char *s = malloc(la + lb + lc + 1);
  if (!s) snow_fatal_oom();
  memcpy(s, a, la);
  memcpy(s + la, b, lb);
  memcpy(s + la + lb, c, lc + 1);
  return s;
}

/* Panics with msg (taken over) and no source location (the runtime raised
 * it). The text moves into this process's heap first, so unwinding the
 * panic leaks nothing. */
_Noreturn static void panic_owned(char *msg) {
  SnowObj *s = snow_string_new(msg, strlen(msg));
  free(msg);
  snow_panic_str(s, NULL, 0);
}

/* The Display form of a Down entry's reason (malloc'd). */
static char *down_reason(const SnowMessage *m) {
  return snow_reason_display(&((const SnowSignal *)m->data)->reason);
}

/* ---- the service process ---- */

static void post_start_report(const ServiceStart *s, int status, const char *text) {
  size_t len = text ? strlen(text) + 1 : 0;
  SnowMessage *m = snow_message_new(SNOW_ENTRY_REPLY, 8 + len);
  m->ref = s->start_ref;
  m->type = NULL;
  uint64_t st = (uint64_t)status;
  memcpy(m->data, &st, 8);
  if (len) memcpy(m->data + 8, text, len);
  snow_proc_post(s->starter, m);
}

/* Runs init under a panic trap; on a panic reports it and ends the process. */
static SnowWord run_init(const ServiceStart *s, SnowWord args) {
  SnowPanicTrap trap;
  snow_panic_trap_push(&trap);
  if (setjmp(trap.jump)) { /* the trap is popped already; the line printed */
    post_start_report(s, START_FAILED, trap.msg);
    SnowReason r = snow_reason_make(SNOW_REASON_ERROR, trap.msg);
    free(trap.msg);
    snow_proc_exit(r);
  }
  SnowWord state = s->init((SnowObj *)args);
  snow_panic_trap_pop(&trap);
  return state;
}

static void serve(SnowServiceDispatch dispatch, volatile SnowWord state) {
  for (;;) {
    SnowMessage *m = snow_proc_wait(match_request, NULL, -1);
    if (!m) continue;
    ServiceRequest h;
    memcpy(&h, m->data, sizeof h);
    uint64_t ref = m->ref;
    volatile SnowWord args = 0;
    snow_copy_unpack(m, sizeof h, (SnowWord *)&args, 1);
    snow_entry_free(m);
    if (!h.is_call) {
      state = dispatch(h.handler, state, (SnowObj *)args);
      continue;
    }
    SnowObj *volatile result = (SnowObj *)dispatch(h.handler, state, (SnowObj *)args);
    state = SNOW_PAYLOAD(result)[0];
    SnowWord reply = SNOW_PAYLOAD(result)[1];
    SnowMessage *r = snow_copy_pack(&reply, (result->ptrmap >> 1) & 1, 1, 0);
    r->tag = SNOW_ENTRY_REPLY;
    r->ref = ref;
    snow_proc_post(h.caller, r); /* dropped when the caller died meanwhile */
  }
}

static void service_body(void *arg) {
  (void)arg;
  SnowMessage *start = snow_proc_wait(match_request, NULL, -1);
  ServiceStart s;
  memcpy(&s, start->data, sizeof s);
  volatile SnowWord args = 0;
  snow_copy_unpack(start, sizeof s, (SnowWord *)&args, 1);
  snow_entry_free(start);
  volatile SnowWord state = run_init(&s, args);
  args = 0;
  post_start_report(&s, START_OK, NULL);
  serve(s.dispatch, state);
}

/* ---- the caller's side ---- */

static SnowMessage *pack_args(SnowObj *args, size_t extra) {
  SnowWord w = (SnowWord)args;
  return snow_copy_pack(&w, 1, 1, extra);
}

SnowWord snow_service_start(SnowServiceInit init, SnowServiceDispatch dispatch,
                            int64_t is_call_mask, SnowObj *args, int64_t nargs) {
  (void)nargs; /* the RECORD carries its own size */
  (void)is_call_mask; /* each request says whether it is a call (no limit of 64 handlers) */
  ServiceStart s = {init, dispatch, snow_self(), atomic_fetch_add(&next_start_ref, 1)};
  SnowMessage *start = pack_args(args, sizeof s);
  memcpy(start->data, &s, sizeof s);
  start->tag = SNOW_ENTRY_REQUEST;
  WaitKey key = {s.start_ref, 0};
  SnowProcOptions opts = {.declared_type = "ServiceRequest", .trap_exit = 0};
  SnowPid pid = snow_proc_spawn(service_body, NULL, &opts);
  snow_proc_post(pid, start);
  key.monitor = snow_monitor((SnowWord)pid);
  SnowMessage *m = snow_proc_wait(match_reply_or_down, &key, -1);
  if (m->tag == SNOW_ENTRY_REPLY) {
    uint64_t status;
    memcpy(&status, m->data, 8);
    drop_monitor(key.monitor, pid);
    char *msg = status == START_OK ? NULL
                                   : concat3("service init failed: ", (const char *)m->data + 8, "");
    snow_entry_free(m);
    if (!msg) return (SnowWord)pid;
    panic_owned(msg);
  }
  char *why = down_reason(m);
  snow_entry_free(m);
  char *msg = concat3("service init failed: ", why, "");
  free(why);
  panic_owned(msg);
}

static SnowMessage *request(int64_t handler, int64_t is_call, SnowObj *args, uint64_t ref) {
  ServiceRequest h = {snow_self(), handler, is_call};
  SnowMessage *m = pack_args(args, sizeof h);
  memcpy(m->data, &h, sizeof h);
  m->tag = SNOW_ENTRY_REQUEST;
  m->ref = ref;
  return m;
}

SnowWord snow_service_call(SnowWord pid, int64_t handler, SnowObj *args, int64_t nargs) {
  (void)nargs;
  if ((SnowPid)pid == snow_self())
    panic_owned(concat3("service call failed: a service cannot call itself", "", ""));
  WaitKey key;
  key.monitor = snow_monitor(pid); /* a dead PID gets its Down(NoProc) at once */
  key.reply_ref = (uint64_t)key.monitor;
  snow_proc_post((SnowPid)pid, request(handler, 1, args, key.reply_ref));
  SnowMessage *m = snow_proc_wait(match_reply_or_down, &key, -1);
  if (m->tag == SNOW_ENTRY_REPLY) {
    drop_monitor(key.monitor, (SnowPid)pid);
    volatile SnowWord reply = 0;
    snow_copy_unpack(m, 0, (SnowWord *)&reply, 1);
    snow_entry_free(m);
    return reply;
  }
  char *why = down_reason(m);
  snow_entry_free(m);
  char head[64];
  snprintf(head, sizeof head, "service call failed: <0.%llu> terminated (", (unsigned long long)pid);
  char *msg = concat3(head, why, ")");
  free(why);
  panic_owned(msg);
}

void snow_service_cast(SnowWord pid, int64_t handler, SnowObj *args, int64_t nargs) {
  (void)nargs;
  snow_proc_post((SnowPid)pid, request(handler, 0, args, 0)); /* dropped when the service is dead */
}
