/* messaging.c — send with the run-time type check (§5), the user receive
 * scan that generated code drives (§6.4, snow_rt.h), and the runtime's own
 * posting and selective wait over every entry kind (proc.h).
 *
 * The user scan keeps its position in the PCB (scan_prev / scan_cur: the
 * entry examined last and the one before it, so that accept can unlink it).
 * Only the owning process touches its private list, and nothing else
 * removes entries while a scan is between next and accept, so the two
 * pointers stay valid. A blocked scan is woken by any arrival and then
 * examines only entries after scan_cur. */
#include "proc.h"

#include "copy.h"
#include "proc_internal.h"

#include "../core/gc.h"
#include "../core/panic.h"
#include "../core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int same_type(SnowObj *a, SnowObj *b) {
  if (!a || !b || a == b) return 1;
  return snow_str_len(a) == snow_str_len(b) &&
         memcmp(snow_str_bytes(a), snow_str_bytes(b), snow_str_len(a)) == 0;
}

/* The type t declares for its messages (§5.3), or 0 if it accepts any. A
 * declared type is a static STRING (actors) or a static C string (C-bodied
 * processes: "ServiceRequest", "SupervisorRequest"), so the text outlives t. */
static int declared_type(const SnowProcess *t, const char **text, size_t *len) {
  if (t->ps.declared_type) {
    *text = snow_str_bytes(t->ps.declared_type);
    *len = snow_str_len(t->ps.declared_type);
    return 1;
  }
  if (t->ps.declared_cname) {
    *text = t->ps.declared_cname;
    *len = strlen(*text);
    return 1;
  }
  return 0;
}

/* Whether a message of msg_type may go to t; if not, *accepts names what t
 * accepts. */
static int type_accepted(const SnowProcess *t, SnowObj *msg_type, const char **accepts,
                         size_t *accepts_len) {
  if (!declared_type(t, accepts, accepts_len) || !msg_type || msg_type == t->ps.declared_type)
    return 1;
  return snow_str_len(msg_type) == *accepts_len &&
         memcmp(snow_str_bytes(msg_type), *accepts, *accepts_len) == 0;
}

_Noreturn static void type_mismatch(SnowPid pid, const char *accepts, size_t accepts_len,
                                    SnowObj *msg_type) {
  size_t got_len = snow_str_len(msg_type);
  const char *got = snow_str_bytes(msg_type);
  char head[64];
  int hn = snprintf(head, sizeof head, "message type mismatch: <0.%llu> accepts ",
                    (unsigned long long)pid);
  size_t n = (size_t)hn + accepts_len + 6 + got_len;
  char *msg = malloc(n + 1);
  if (!msg) snow_fatal_oom();
  memcpy(msg, head, (size_t)hn);
  memcpy(msg + hn, accepts, accepts_len);
  memcpy(msg + hn + accepts_len, ", got ", 6);
  memcpy(msg + hn + accepts_len + 6, got, got_len);
  msg[n] = 0;
  SnowObj *volatile s = snow_string_new(msg, n);
  free(msg);
  snow_panic_str(s, NULL, 0); /* copies the text before unwinding */
}

void snow_ps_check_type(SnowProcess *t, SnowObj *msg_type) {
  const char *accepts;
  size_t accepts_len;
  if (type_accepted(t, msg_type, &accepts, &accepts_len)) return;
  SnowPid pid = t->pid;
  snow_process_release(t);
  type_mismatch(pid, accepts, accepts_len, msg_type);
}

/* Delivers m to the live process pid, or frees it if pid is dead or unknown
 * (§5.2); returns whether it was delivered. check: a message type the
 * target does not declare panics the sender instead (§5.3). The table's
 * lock keeps the target allocated (process.h), so a send takes no
 * reference; the wake-up is claimed inside and carried out after. */
static int deliver_to_pid(SnowPid pid, SnowMessage *m, int check) {
  SnowProcess *t = snow_proctable_lock_get(pid);
  if (!t || t->ps.dead) { /* dead: a hint; a race only delays the drop to its end */
    snow_proctable_unlock(pid);
    snow_entry_free(m);
    return 0;
  }
  const char *accepts;
  size_t accepts_len;
  if (check && !type_accepted(t, m->type, &accepts, &accepts_len)) {
    snow_proctable_unlock(pid);
    SnowObj *got = m->type;
    snow_entry_free(m);
    type_mismatch(pid, accepts, accepts_len, got);
  }
  int claimed = snow_process_push_claim(t, m);
  snow_proctable_unlock(pid);
  if (claimed) snow_process_woken(t, WAKE_MESSAGE); /* RUNNABLE, unqueued: ours alone */
  return 1;
}

SnowMessage *snow_ps_pack_user(SnowWord msg, int64_t msg_is_ptr, SnowObj *msg_type) {
  SnowMessage *m = snow_copy_pack(&msg, msg_is_ptr ? 1 : 0, 1, 0);
  m->tag = SNOW_ENTRY_USER;
  m->type = msg_type;
  return m;
}

void snow_send_msg(SnowWord pid, SnowWord msg, int64_t msg_is_ptr, SnowObj *msg_type) {
  /* Packed first, outside the table's lock: a message is copied once
   * whatever its size, and a send to a dead process is rare. */
  deliver_to_pid(pid, snow_ps_pack_user(msg, msg_is_ptr, msg_type), 1);
}

int snow_proc_post(SnowPid to, SnowMessage *m) { return deliver_to_pid(to, m, 0); }

/* ---------------------------------------------------------------- receive */

/* The calling process, read straight from the thread-local variable:
 * callers use it before any suspension only (after one, a process must
 * re-read it through snow_process_self, which is never cached). */
static SnowProcess *self_in_receive(void) {
  SnowProcess *p = snow_current_process;
  if (!p) snow_fatal("receive outside a process");
  return p;
}

void snow_set_message_type(SnowObj *msg_type) {
  self_in_receive()->ps.declared_type = msg_type;
}

void snow_receive_begin(int64_t timeout_ms, SnowObj *msg_type) {
  SnowProcess *p = self_in_receive();
  p->ps.scan_prev = p->ps.scan_cur = NULL;
  p->ps.scan_started = 0;
  p->ps.scan_timeout = timeout_ms;
  p->ps.scan_deadline = timeout_ms > 0 ? snow_clock_ns() + (uint64_t)timeout_ms * 1000000u : 0;
  p->ps.scan_type = msg_type;
}

/* Kind of entry m for a scan wanting `want`: 1 message, 2 signal, 0 skip. */
static int entry_kind(const SnowMessage *m, int64_t want, SnowObj *type) {
  if (m->tag == SNOW_ENTRY_USER) return (want & 1) && same_type(m->type, type) ? 1 : 0;
  if (m->tag == SNOW_ENTRY_SIGNAL) return (want & 2) ? 2 : 0;
  return 0;
}

int64_t snow_receive_next(int64_t want) {
  SnowProcess *p = self_in_receive();
  for (;;) {
    snow_ps_check_exit(p);
    snow_mailbox_drain(&p->mailbox);
    SnowMessage *m = p->ps.scan_started ? p->ps.scan_cur->next : p->mailbox.head;
    while (m) {
      p->ps.scan_prev = p->ps.scan_started ? p->ps.scan_cur : NULL;
      p->ps.scan_cur = m;
      p->ps.scan_started = 1;
      int kind = entry_kind(m, want, p->ps.scan_type);
      if (kind) return kind;
      m = m->next;
    }
    if (p->ps.scan_timeout == 0) return 0;
    uint64_t deadline = p->ps.scan_deadline;
    if (deadline && snow_clock_ns() >= deadline) return 0;
    p->block_deadline = deadline;
    snow_sched_suspend(p, INTENT_BLOCK_MSG);
    p = snow_process_self();
    if (deadline && p->wake_reason != WAKE_TIMEOUT) snow_timer_cancel(&p->timer);
  }
}

SnowWord snow_receive_value(void) {
  SnowProcess *p = self_in_receive();
  SnowMessage *m = p->ps.scan_cur;
  if (!m) snow_fatal("snow_receive_value without an entry");
  if (m->tag == SNOW_ENTRY_USER) {
    SnowWord v = 0;
    snow_copy_unpack(m, 0, &v, 1);
    return v;
  }
  const SnowSignal *s = (const SnowSignal *)(const void *)m->data;
  SnowWord reason = snow_reason_to_value(&s->reason);
  if (s->kind == SNOW_SIGNAL_EXIT) {
    SnowWord f[2] = {s->from, reason};
    return (SnowWord)snow_record(0, 0x2, 2, f);
  }
  SnowWord f[3] = {(SnowWord)s->ref, s->from, reason};
  return (SnowWord)snow_record(1, 0x4, 3, f);
}

void snow_receive_accept(void) {
  SnowProcess *p = self_in_receive();
  SnowMessage *m = p->ps.scan_cur, *prev = p->ps.scan_prev;
  if (!m) return;
  SnowMailbox *mb = &p->mailbox;
  if (prev) prev->next = m->next;
  else mb->head = m->next;
  if (mb->tail == m) mb->tail = prev;
  mb->length--;
  p->ps.scan_cur = p->ps.scan_prev = NULL;
  p->ps.scan_started = 0;
  snow_entry_free(m);
}

/* ---------------------------------------------------------------- runtime wait */

SnowMessage *snow_proc_wait(SnowMatchFn match, void *ctx, int64_t timeout_ms) {
  SnowProcess *p = self_in_receive();
  SnowScanCursor cur = {NULL};
  uint64_t deadline = timeout_ms > 0 ? snow_clock_ns() + (uint64_t)timeout_ms * 1000000u : 0;
  for (;;) {
    snow_ps_check_exit(p);
    snow_mailbox_drain(&p->mailbox);
    SnowMessage *m = snow_mailbox_take(&p->mailbox, &cur, match, ctx);
    if (m) {
      /* A user scan in progress must not keep pointers to it. */
      if (p->ps.scan_cur == m || p->ps.scan_prev == m) p->ps.scan_started = 0, p->ps.scan_cur = p->ps.scan_prev = NULL;
      return m;
    }
    if (timeout_ms == 0) return NULL;
    if (deadline && snow_clock_ns() >= deadline) return NULL;
    p->block_deadline = deadline;
    snow_sched_suspend(p, INTENT_BLOCK_MSG);
    p = snow_process_self();
    if (deadline && p->wake_reason != WAKE_TIMEOUT) snow_timer_cancel(&p->timer);
  }
}
