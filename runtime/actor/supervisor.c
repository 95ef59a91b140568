/* supervisor.c — supervisor processes (concurrency.md §15, §19): the
 * Supervisors functions of snow_rt.h's "processes area".
 *
 * Contract.
 * - snow_supervisor_start (in the caller): copies every child spec out of
 *   the caller's heap (the id as a C string, the start closure packed with
 *   copy.h), creates the supervisor S (a C-bodied process, trap_exit 1,
 *   declared type "SupervisorRequest") and blocks until S has started all
 *   children (a REPLY entry) or has died (a monitor's Down: a start closure
 *   panicked); returns S's PID either way.
 * - S (sup_body) evaluates each start closure in declaration order in
 *   auto-link mode under a panic trap (panic_trap.h), links to the returned
 *   PID, then serves SIGNAL entries (§15.4-§15.6: restart decisions per
 *   restart type and the §10.1 table, the four strategies over the children
 *   in start order, the sliding-window intensity and its report line) and
 *   REQUEST entries (§15.9: start_child, count, which, terminate) until it
 *   terminates. Exit from a non-child: Normal is ignored, anything else
 *   shuts the children down and ends S with that reason. An exit hook
 *   (snow_proc_on_exit) shuts the children down in reverse start order
 *   whenever S ends other than by an untrappable kill.
 * - Shutting a child down (§15.7): brutal_kill -> Killed; N ms -> Shutdown,
 *   then Killed if no Exit arrived within N ms; S always consumes the
 *   child's Exit signal (it is linked and traps exits), so a shutdown never
 *   counts as a failure, then unlinks.
 * - Requests are synchronous: the caller monitors S, posts a REQUEST entry
 *   (ref = the monitor reference) and waits for the REPLY with that ref or
 *   the Down of S. A PID that is not a live supervisor answers 0 / [] /
 *   false; start_child then panics `supervisor call failed: <0.N>
 *   terminated (REASON)` (noproc when it never was a supervisor or was
 *   already dead), or `supervisor call failed: child ID failed to start:
 *   REASON` when the template panicked.
 * Ownership. The Sup state and its Child array are malloc'd and owned by S
 * (freed by its exit hook; leaked if S is killed untrappably). Start
 * closures and dynamic arguments live packed (malloc'd SnowMessages) and are
 * unpacked into S's heap for every (re)start, so no heap pointer is kept
 * where the collector cannot see it. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/io.h"
#include "../core/panic.h"
#include "../core/text.h"
#include "copy.h"
#include "panic_trap.h"
#include "proc.h"
#include "restart_window.h"

enum { STRATEGY_ONE_FOR_ONE, STRATEGY_ONE_FOR_ALL, STRATEGY_REST_FOR_ONE, STRATEGY_SIMPLE };
enum { RESTART_PERMANENT, RESTART_TRANSIENT, RESTART_TEMPORARY };
enum { REQ_START_CHILD, REQ_COUNT, REQ_WHICH, REQ_TERMINATE };
enum { REPLY_OK, REPLY_FAILED };

typedef struct Child {
  char *id;
  SnowMessage *start; /* packed start closure (word 0) */
  SnowMessage *args;  /* dynamic child: the start_child REQUEST entry (its packed args), else NULL */
  int64_t nargs;
  int restart;
  int64_t shutdown_ms; /* 0: brutal_kill */
  SnowPid pid;         /* SNOW_NO_PID while not running */
  bool pending;        /* to be started by the restart in progress */
} Child;

typedef struct Sup {
  char *name;
  int strategy;
  int64_t max_restarts, max_seconds;
  Child *children; /* start order */
  int n, cap;
  Child tmpl; /* simple_one_for_one: the template (never started itself) */
  SnowRestartWindow window; /* §15.6 */
  SnowPid self, caller;
  int64_t start_ref;
  SnowMessage *handling; /* the Exit entry being handled: S may end inside (sup_free frees it) */
} Sup;

typedef struct SupRequest {
  int64_t kind;
  SnowPid from;
  SnowPid child; /* REQ_TERMINATE */
  int64_t nargs; /* REQ_START_CHILD: packed args RECORD follows when > 0 */
} SupRequest;

typedef struct SupReply {
  int64_t status; /* REPLY_OK / REPLY_FAILED (text follows, NUL-terminated) */
  int64_t value;  /* count, Bool, child PID; REQ_WHICH: a packed list follows */
} SupReply;

/* ---------------------------------------------------------------- helpers */

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) snow_fatal("out of memory");
  return p;
}

static char *xstrndup(const char *s, size_t n) {
  char *p = xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* `[snow-rt] supervisor NAME <0.N>: TEXT`, one unbuffered write (§19). */
static void report(Sup *s, const char *fmt, const char *a, const char *b) {
  char text[512];
  snprintf(text, sizeof text, fmt, a, b);
  size_t len = strlen(s->name) + strlen(text) + 64;
  char *line = xmalloc(len);
  int n = snprintf(line, len, "[snow-rt] supervisor %s <0.%llu>: %s\n", s->name,
                   (unsigned long long)s->self, text);
  snow_write_all(2, line, (size_t)n < len ? (size_t)n : len - 1);
  free(line);
}

/* Documented runtime state: PIDs of every supervisor created in this run,
 * so that requests to a process that is not a supervisor answer at once
 * instead of waiting forever. */
static pthread_mutex_t sups_lock = PTHREAD_MUTEX_INITIALIZER;
static SnowPid *sups;
static size_t nsups, sups_cap;

static void remember_supervisor(SnowPid pid) {
  pthread_mutex_lock(&sups_lock);
  if (nsups == sups_cap) {
    size_t cap = sups_cap ? 2 * sups_cap : 16;
    SnowPid *grown = realloc(sups, cap * sizeof *grown);
    if (!grown) snow_fatal("out of memory");
    sups = grown;
    sups_cap = cap;
  }
  sups[nsups++] = pid;
  pthread_mutex_unlock(&sups_lock);
}

static bool is_supervisor(SnowPid pid) {
  bool found = false;
  pthread_mutex_lock(&sups_lock);
  for (size_t i = 0; i < nsups && !found; i++)
    found = sups[i] == pid;
  pthread_mutex_unlock(&sups_lock);
  return found;
}

static SnowSignal signal_of(const SnowMessage *m) {
  SnowSignal sig;
  memcpy(&sig, m->data, sizeof sig);
  return sig;
}

/* ---------------------------------------------------------------- children */

typedef struct ExitMatch {
  SnowPid from;
} ExitMatch;

static int match_exit_from(const SnowMessage *m, void *ctx) {
  if (m->tag != SNOW_ENTRY_SIGNAL) return 0;
  SnowSignal sig = signal_of(m);
  return sig.kind == SNOW_SIGNAL_EXIT && sig.from == ((ExitMatch *)ctx)->from;
}

/* §15.7; the child's Exit signal is consumed here. */
static void shutdown_child(Child *c) {
  if (c->pid == SNOW_NO_PID) return;
  ExitMatch want = {c->pid};
  SnowReason killed = snow_reason_make(SNOW_REASON_KILLED, NULL);
  SnowMessage *m = NULL;
  if (c->shutdown_ms > 0) {
    SnowReason shutdown = snow_reason_make(SNOW_REASON_SHUTDOWN, NULL);
    snow_proc_signal_exit(c->pid, &shutdown);
    snow_reason_free(&shutdown);
    m = snow_proc_wait(match_exit_from, &want, c->shutdown_ms);
  }
  if (!m) {
    snow_proc_signal_exit(c->pid, &killed);
    m = snow_proc_wait(match_exit_from, &want, -1);
  }
  snow_reason_free(&killed);
  snow_entry_free(m);
  snow_unlink(c->pid);
  c->pid = SNOW_NO_PID;
}

static void shutdown_range_reverse(Sup *s, int from, int to) {
  for (int k = to - 1; k >= from; k--)
    shutdown_child(&s->children[k]);
}

/* Runs the start closure under a panic trap in auto-link mode. Returns the
 * child's PID, or SNOW_NO_PID with *err (malloc'd) when it panicked. */
static SnowPid call_start(Child *c, char **err) {
  SnowWord closure, args = 0;
  snow_copy_unpack(c->start, 0, &closure, 1);
  if (c->args && c->nargs > 0) snow_copy_unpack(c->args, sizeof(SupRequest), &args, 1);
  SnowPanicTrap trap;
  SnowPid first_new = snow_next_pid();
  int64_t previous = snow_autolink_begin();
  snow_panic_trap_push(&trap);
  if (setjmp(trap.jump)) {
    snow_autolink_end(previous);
    *err = trap.msg;
    return SNOW_NO_PID;
  }
  SnowWord pid = c->args ? snow_call1((SnowObj *)closure, args) : snow_call0((SnowObj *)closure);
  snow_panic_trap_pop(&trap);
  snow_autolink_end(previous);
  /* A PID created during the call is linked already (auto-link mode) — and
   * linking it again after it died would queue a second, NoProc, Exit that
   * S would take for a non-child's and die of. A PID from before the call
   * (e.g. found in the registry) is linked here. */
  if ((SnowPid)pid < first_new) snow_link(pid);
  *err = NULL;
  return (SnowPid)pid;
}

/* Starts children[from..to) that are not running, in order; stops at the
 * first failure (returns its index and *err), else returns -1. */
static int start_range(Sup *s, int from, int to, char **err) {
  for (int k = from; k < to; k++) {
    Child *c = &s->children[k];
    if (c->pid != SNOW_NO_PID) continue;
    c->pid = call_start(c, err);
    if (c->pid == SNOW_NO_PID) return k;
  }
  return -1;
}

static void child_free(Child *c) {
  free(c->id);
  snow_message_free(c->start);
  if (c->args) snow_entry_free(c->args);
}

static void remove_child(Sup *s, int k) {
  child_free(&s->children[k]);
  memmove(&s->children[k], &s->children[k + 1], (size_t)(s->n - k - 1) * sizeof(Child));
  s->n--;
}

static int find_child(Sup *s, SnowPid pid) {
  for (int k = 0; k < s->n; k++)
    if (s->children[k].pid == pid && pid != SNOW_NO_PID) return k;
  return -1;
}

static void sup_free(Sup *s) {
  for (int k = 0; k < s->n; k++)
    child_free(&s->children[k]);
  if (s->strategy == STRATEGY_SIMPLE) {
    free(s->tmpl.id);
    snow_message_free(s->tmpl.start);
  }
  free(s->children);
  if (s->handling) snow_entry_free(s->handling);
  snow_restart_window_free(&s->window);
  free(s->name);
  free(s);
}

/* (h1) S discarded at quiescence while waiting: the runtime frees its state
 * (SnowProcOptions.free_arg, proc.h). */
static void sup_free_abandoned(void *arg) { sup_free(arg); }

/* Runs in S when it terminates (not for Killed): children go first. */
static void sup_on_exit(const SnowReason *r, void *ctx) {
  (void)r;
  Sup *s = ctx;
  snow_panic_trap_forget_self(); /* S may have left a start closure by an exit signal */
  shutdown_range_reverse(s, 0, s->n);
  sup_free(s);
}

static _Noreturn void give_up(Sup *s) {
  char r[32], sec[32];
  snprintf(r, sizeof r, "%lld", (long long)s->max_restarts);
  snprintf(sec, sizeof sec, "%lld", (long long)s->max_seconds);
  report(s, "restart limit exceeded (%s restarts in %ss), shutting down", r, sec);
  shutdown_range_reverse(s, 0, s->n);
  snow_proc_exit(snow_reason_make(SNOW_REASON_SHUTDOWN, NULL));
}

/* §15.6: one restart decision at the current time. */
static void count_restart(Sup *s) {
  if (!snow_restart_window_admit(&s->window, now_ms())) give_up(s);
}

/* §15.5: marks the children the strategy restarts for child k and shuts
 * down the running ones among them (reverse start order). one_for_all
 * starts every child again (a stopped transient one too); rest_for_one the
 * failed child and the children after it that were running. */
static void apply_strategy(Sup *s, int k) {
  s->children[k].pending = true;
  if (s->strategy == STRATEGY_ONE_FOR_ALL) {
    for (int j = 0; j < s->n; j++)
      s->children[j].pending = true;
    shutdown_range_reverse(s, k + 1, s->n);
    shutdown_range_reverse(s, 0, k);
  } else if (s->strategy == STRATEGY_REST_FOR_ONE) {
    for (int j = k + 1; j < s->n; j++)
      s->children[j].pending |= s->children[j].pid != SNOW_NO_PID;
    shutdown_range_reverse(s, k + 1, s->n);
  }
}

/* Starts the pending children in start order; returns the index of the
 * first that failed (it stays pending), or -1. */
static int start_pending(Sup *s) {
  for (int k = 0; k < s->n; k++) {
    Child *c = &s->children[k];
    if (!c->pending || c->pid != SNOW_NO_PID) {
      c->pending = false;
      continue;
    }
    char *err = NULL;
    c->pid = call_start(c, &err);
    free(err);
    if (c->pid == SNOW_NO_PID) return k;
    c->pending = false;
  }
  return -1;
}

/* Child k (not running) must be restarted; a failed start counts as another
 * restart and the strategy is applied again for the child that failed. */
static void restart(Sup *s, int k) {
  for (;;) {
    count_restart(s);
    apply_strategy(s, k);
    int failed = start_pending(s);
    if (failed < 0) return;
    k = failed;
  }
}

static bool restarts_after(const Child *c, const SnowReason *r) {
  switch (c->restart) {
  case RESTART_PERMANENT:
    return true;
  case RESTART_TRANSIENT:
    return r->code != SNOW_REASON_NORMAL && r->code != SNOW_REASON_SHUTDOWN;
  default:
    return false;
  }
}

static void handle_exit(Sup *s, const SnowSignal *sig) {
  int k = find_child(s, sig->from);
  if (k < 0) { /* S's parent, another linked process, or Process.exit(S, R) */
    if (sig->reason.code == SNOW_REASON_NORMAL) return;
    SnowReason r = snow_reason_copy(&sig->reason);
    shutdown_range_reverse(s, 0, s->n);
    snow_proc_exit(r);
  }
  Child *c = &s->children[k];
  c->pid = SNOW_NO_PID;
  snow_unlink(sig->from);
  if (c->restart == RESTART_TEMPORARY) {
    remove_child(s, k);
    return;
  }
  if (restarts_after(c, &sig->reason)) restart(s, k);
}

/* ---------------------------------------------------------------- requests */

static void reply(SnowPid to, int64_t ref, SnowMessage *m) {
  m->tag = SNOW_ENTRY_REPLY;
  m->ref = (uint64_t)ref;
  snow_proc_post(to, m);
}

static void reply_value(SnowPid to, int64_t ref, int64_t status, int64_t value, const char *text) {
  size_t tl = text ? strlen(text) + 1 : 0;
  SnowMessage *m = snow_message_new(SNOW_ENTRY_REPLY, sizeof(SupReply) + tl);
  m->type = NULL;
  m->next = NULL;
  SupReply r = {status, value};
  memcpy(m->data, &r, sizeof r);
  if (tl) memcpy(m->data + sizeof r, text, tl);
  reply(to, ref, m);
}

/* List<(String, Pid)> of the running children, in start order, in S's heap. */
static SnowObj *which_list(Sup *s) {
  SnowObj *b = snow_list_builder_new(1);
  for (int k = 0; k < s->n; k++) {
    Child *c = &s->children[k];
    if (c->pid == SNOW_NO_PID) continue;
    SnowObj *id = snow_string_new(c->id, strlen(c->id));
    SnowWord fields[2] = {(SnowWord)id, (SnowWord)c->pid};
    snow_list_builder_push(b, (SnowWord)snow_record(0, 1, 2, fields));
  }
  return snow_list_builder_finish(b);
}

static void add_dynamic_child(Sup *s, SnowMessage *req, const SupRequest *h) {
  if (s->n == s->cap) {
    int cap = s->cap ? 2 * s->cap : 8;
    Child *grown = realloc(s->children, (size_t)cap * sizeof *grown);
    if (!grown) snow_fatal("out of memory");
    s->children = grown;
    s->cap = cap;
  }
  Child *c = &s->children[s->n];
  *c = s->tmpl;
  c->id = xstrndup(s->tmpl.id, strlen(s->tmpl.id));
  size_t sz = s->tmpl.start->size;
  c->start = snow_message_new(s->tmpl.start->tag, sz); /* a private copy of the packed template */
  memcpy(c->start->data, s->tmpl.start->data, sz);
  c->start->ref = s->tmpl.start->ref;
  c->start->type = s->tmpl.start->type;
  c->start->next = NULL;
  c->args = req;
  c->nargs = h->nargs;
  c->pid = SNOW_NO_PID;
  s->n++;
  char *err = NULL;
  c->pid = call_start(c, &err);
  if (c->pid != SNOW_NO_PID) {
    reply_value(h->from, (int64_t)req->ref, REPLY_OK, (int64_t)c->pid, NULL);
    return;
  }
  size_t len = strlen(c->id) + strlen(err) + 64;
  char *text = xmalloc(len);
  snprintf(text, len, "child %s failed to start: %s", c->id, err);
  reply_value(h->from, (int64_t)req->ref, REPLY_FAILED, 0, text);
  free(text);
  free(err);
  remove_child(s, s->n - 1); /* frees req */
}

static void handle_request(Sup *s, SnowMessage *m) {
  SupRequest h;
  memcpy(&h, m->data, sizeof h);
  int64_t ref = (int64_t)m->ref;
  switch (h.kind) {
  case REQ_START_CHILD:
    if (s->strategy == STRATEGY_SIMPLE) {
      add_dynamic_child(s, m, &h); /* keeps m as the child's arguments */
      return;
    }
    reply_value(h.from, ref, REPLY_FAILED, 0, "child cannot be added: not simple_one_for_one");
    break;
  case REQ_COUNT: {
    int64_t running = 0;
    for (int k = 0; k < s->n; k++)
      running += s->children[k].pid != SNOW_NO_PID;
    reply_value(h.from, ref, REPLY_OK, running, NULL);
    break;
  }
  case REQ_WHICH: {
    SnowWord list = (SnowWord)which_list(s);
    SnowMessage *r = snow_copy_pack(&list, 1, 1, sizeof(SupReply));
    SupReply head = {REPLY_OK, 0};
    memcpy(r->data, &head, sizeof head);
    reply(h.from, ref, r);
    break;
  }
  case REQ_TERMINATE: {
    int k = find_child(s, h.child);
    if (k >= 0) {
      shutdown_child(&s->children[k]);
      remove_child(s, k);
    }
    reply_value(h.from, ref, REPLY_OK, k >= 0, NULL);
    break;
  }
  default:
    break;
  }
  snow_entry_free(m);
}

/* ---------------------------------------------------------------- S */

static int match_sup(const SnowMessage *m, void *ctx) {
  (void)ctx;
  return m->tag == SNOW_ENTRY_SIGNAL || m->tag == SNOW_ENTRY_REQUEST;
}

static void sup_body(void *arg) {
  Sup *s = arg;
  s->self = snow_self();
  snow_proc_on_exit(sup_on_exit, s);
  char *err = NULL;
  int failed = start_range(s, 0, s->n, &err);
  if (failed >= 0) { /* §15.3: no reply; the caller's monitor reports our end */
    shutdown_range_reverse(s, 0, failed);
    report(s, "child %s failed to start: %s", s->children[failed].id, err);
    free(err);
    snow_proc_exit(snow_reason_make(SNOW_REASON_SHUTDOWN, NULL));
  }
  reply_value(s->caller, s->start_ref, REPLY_OK, 0, NULL);
  for (;;) {
    SnowMessage *m = snow_proc_wait(match_sup, NULL, -1);
    if (!m) continue;
    if (m->tag == SNOW_ENTRY_REQUEST) {
      handle_request(s, m);
      continue;
    }
    SnowSignal sig = signal_of(m);
    s->handling = m;
    if (sig.kind == SNOW_SIGNAL_EXIT) handle_exit(s, &sig);
    s->handling = NULL;
    snow_entry_free(m); /* stale Downs of nested starts are dropped too */
  }
}

/* ---------------------------------------------------------------- callers */

typedef struct ReplyMatch {
  int64_t ref;  /* the REPLY's ref */
  int64_t mref; /* the monitor on S */
} ReplyMatch;

static int match_reply(const SnowMessage *m, void *ctx) {
  ReplyMatch *w = ctx;
  if (m->tag == SNOW_ENTRY_REPLY) return (int64_t)m->ref == w->ref;
  if (m->tag != SNOW_ENTRY_SIGNAL) return 0;
  SnowSignal sig = signal_of(m);
  return sig.kind == SNOW_SIGNAL_DOWN && sig.ref == w->mref;
}

/* Ends a wait on S: cancels the monitor and drops its Down if it was
 * queued meanwhile (a user `receive` must never see it). */
static void end_wait(int64_t mref) {
  snow_demonitor(mref);
  ReplyMatch down = {INT64_MIN, mref};
  SnowMessage *m = snow_proc_wait(match_reply, &down, 0);
  if (m) snow_entry_free(m);
}

/* Documented runtime state: the references of start replies, negative so
 * that they never equal a monitor reference. */
static _Atomic int64_t next_start_ref = -1;

SnowWord snow_supervisor_start(SnowObj *name, int64_t strategy, int64_t max_restarts,
                               int64_t max_seconds, SnowObj *children) {
  Sup *s = xmalloc(sizeof *s);
  memset(s, 0, sizeof *s);
  s->name = xstrndup(snow_str_bytes(name), snow_str_len(name));
  s->strategy = (int)strategy;
  s->max_restarts = max_restarts;
  s->max_seconds = max_seconds > 0 ? max_seconds : 1;
  snow_restart_window_init(&s->window, s->max_restarts, s->max_seconds * 1000);
  int64_t n = snow_list_length(children);
  s->children = xmalloc((size_t)(n ? n : 1) * sizeof(Child));
  s->cap = (int)(n ? n : 1);
  for (int64_t k = 0; k < n; k++) {
    SnowObj *spec = (SnowObj *)snow_list_at(children, k);
    SnowWord *f = SNOW_PAYLOAD(spec);
    SnowObj *id = (SnowObj *)f[0];
    Child c = {0};
    c.id = xstrndup(snow_str_bytes(id), snow_str_len(id));
    c.start = snow_copy_pack(&f[1], 1, 1, 0);
    c.restart = (int)f[2];
    c.shutdown_ms = (int64_t)f[3];
    c.pid = SNOW_NO_PID;
    if (s->strategy == STRATEGY_SIMPLE)
      s->tmpl = c; /* exactly one (checker): started on demand */
    else
      s->children[s->n++] = c;
  }
  s->caller = (SnowPid)snow_self_pid();
  s->start_ref = next_start_ref--;
  ReplyMatch want = {s->start_ref, 0};
  SnowProcOptions opts = {.declared_type = "SupervisorRequest", .trap_exit = 1,
                          .free_arg = sup_free_abandoned};
  SnowPid pid = snow_proc_spawn(sup_body, s, &opts);
  remember_supervisor(pid);
  want.mref = snow_monitor(pid);
  SnowMessage *m = snow_proc_wait(match_reply, &want, -1);
  bool replied = m && m->tag == SNOW_ENTRY_REPLY;
  if (m) snow_entry_free(m);
  if (replied) end_wait(want.mref); /* else the Down was the one consumed */
  return (SnowWord)pid;
}

/* Posts a request to sup and waits. Returns the reply (caller frees it), or
 * NULL with *down set (malloc'd Display of S's reason) when S is not a live
 * supervisor. */
static SnowMessage *request(SnowWord sup, SnowMessage *req, char **down) {
  *down = NULL;
  if (!is_supervisor((SnowPid)sup)) {
    snow_entry_free(req);
    *down = xstrndup("noproc", 6);
    return NULL;
  }
  ReplyMatch want;
  want.mref = snow_monitor(sup);
  want.ref = want.mref;
  req->tag = SNOW_ENTRY_REQUEST;
  req->ref = (uint64_t)want.mref;
  req->type = NULL;
  req->next = NULL;
  /* a dead S refuses the entry; its Down (NoProc at worst) still comes */
  snow_proc_post((SnowPid)sup, req);
  SnowMessage *m = snow_proc_wait(match_reply, &want, -1);
  if (m && m->tag == SNOW_ENTRY_REPLY) {
    end_wait(want.mref);
    return m;
  }
  snow_demonitor(want.mref);
  if (m) {
    SnowSignal sig = signal_of(m);
    *down = snow_reason_display(&sig.reason);
    snow_entry_free(m);
  } else {
    *down = xstrndup("noproc", 6);
  }
  return NULL;
}

static SnowMessage *simple_request(int64_t kind, SnowPid child) {
  SnowMessage *req = snow_message_new(SNOW_ENTRY_REQUEST, sizeof(SupRequest));
  SupRequest h = {kind, (SnowPid)snow_self_pid(), child, 0};
  memcpy(req->data, &h, sizeof h);
  return req;
}

static SupReply reply_head(const SnowMessage *m) {
  SupReply r;
  memcpy(&r, m->data, sizeof r);
  return r;
}

static _Noreturn void call_failed(const char *what) {
  size_t len = strlen(what) + 32;
  char *msg = xmalloc(len);
  int n = snprintf(msg, len, "supervisor call failed: %s", what);
  snow_panic_bytes(msg, (uint64_t)n, NULL, 0);
}

SnowWord snow_supervisor_start_child(SnowWord sup, SnowObj *args, int64_t nargs) {
  SnowWord w = (SnowWord)args;
  SnowMessage *req = nargs > 0 ? snow_copy_pack(&w, 1, 1, sizeof(SupRequest))
                               : snow_message_new(SNOW_ENTRY_REQUEST, sizeof(SupRequest));
  SupRequest h = {REQ_START_CHILD, (SnowPid)snow_self_pid(), SNOW_NO_PID, nargs};
  memcpy(req->data, &h, sizeof h);
  char *down;
  SnowMessage *m = request(sup, req, &down);
  if (!m) {
    char what[128];
    snprintf(what, sizeof what, "<0.%llu> terminated (%s)", (unsigned long long)sup, down);
    free(down);
    call_failed(what);
  }
  SupReply r = reply_head(m);
  if (r.status != REPLY_OK) {
    char *text = xstrndup((const char *)m->data + sizeof r, strlen((const char *)m->data + sizeof r));
    snow_entry_free(m);
    call_failed(text);
  }
  snow_entry_free(m);
  return (SnowWord)r.value;
}

int64_t snow_supervisor_count_children(SnowWord sup) {
  char *down;
  SnowMessage *m = request(sup, simple_request(REQ_COUNT, SNOW_NO_PID), &down);
  free(down);
  if (!m) return 0;
  int64_t v = reply_head(m).value;
  snow_entry_free(m);
  return v;
}

SnowObj *snow_supervisor_which_children(SnowWord sup) {
  char *down;
  SnowMessage *m = request(sup, simple_request(REQ_WHICH, SNOW_NO_PID), &down);
  free(down);
  if (!m) return snow_list_empty();
  SnowWord list;
  snow_copy_unpack(m, sizeof(SupReply), &list, 1);
  snow_entry_free(m);
  return (SnowObj *)list;
}

int64_t snow_supervisor_terminate_child(SnowWord sup, SnowWord child) {
  char *down;
  SnowMessage *m = request(sup, simple_request(REQ_TERMINATE, (SnowPid)child), &down);
  free(down);
  if (!m) return 0;
  int64_t v = reply_head(m).value;
  snow_entry_free(m);
  return v != 0;
}
