/* proc.c — Snow process semantics on the scheduler (proc.h, concurrency.md
 * §2-§4, §9-§10): spawning with a landing point, unwinding panics and exit
 * signals to it, the termination sequence (§10.8), links, monitors, pending
 * exit signals, trap_exit, the reduction slow path, the main process.
 *
 * Landing points. Every Snow process runs proc_trampoline at the top of its
 * stack; it sets a jmp_buf there (p->ps.landing) before running the body. A
 * panic, an exit signal taking effect, Process.exit(self(), R) and a stack
 * overflow caught at the guard page (fault.c, from the alternate signal
 * stack) all record the reason in p->ps.landing_* and longjmp there; nothing
 * on the abandoned frames needs unwinding (no destructors; heap objects die
 * with the heap). The landing code then runs the termination sequence on a
 * nearly empty stack. While the terminate clause and the exit hooks run, each
 * runs under its own landing point so that a panic (or a kill) in it ends
 * only that step.
 *
 * Exit signals from other processes never touch the target's stack: they set
 * p->ps.exit_pending (under the target's lock) and wake the target if it is
 * blocked; the target acts on it at its next reduction point
 * (snow_reduce_slow) or blocking operation (check_exit). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "proc.h"

#include "copy.h"
#include "proc_internal.h"
#include "process.h"

#include "../core/gc.h"
#include "../core/io.h"
#include "../core/panic.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Documented runtime state: the source of monitor references (§10.5). */
static _Atomic int64_t next_monitor_ref = 1;

/* ---------------------------------------------------------------- helpers */

void snow_ps_lock(SnowProcess *p) {
  while (atomic_flag_test_and_set_explicit(&p->ps.lock, memory_order_acquire)) {
#if defined(__x86_64__)
    __asm__ volatile("pause");
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
  }
}

void snow_ps_unlock(SnowProcess *p) { atomic_flag_clear_explicit(&p->ps.lock, memory_order_release); }

static char *dup_text(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s);
  char *t = malloc(n + 1);
  if (!t) snow_fatal_oom();
  memcpy(t, s, n + 1);
  return t;
}

static SnowProcess *self_checked(const char *what) {
  SnowProcess *p = snow_process_self();
  if (!p) {
    char line[160];
    snprintf(line, sizeof line, "%s called outside a process", what);
    snow_fatal(line);
  }
  return p;
}

/* Wakes p if it is blocked, so that it sees a pending exit or a new entry.
 * Any thread; p is referenced by the caller. */
void snow_ps_wake(SnowProcess *p) {
  atomic_thread_fence(memory_order_seq_cst);
  int st = atomic_load(&p->state);
  if (st == PROC_WAITING_MSG || st == PROC_WAITING_TIMER) snow_process_wake(p, st, WAKE_MESSAGE);
}

/* Queues an entry for p (referenced by the caller) and wakes it. */
void snow_ps_deliver(SnowProcess *p, SnowMessage *m) {
  if (snow_process_push_claim(p, m)) snow_process_woken(p, WAKE_MESSAGE);
}

static SnowMessage *make_signal(int kind, SnowPid from, int64_t ref, int code, const char *text) {
  SnowMessage *m = snow_message_new(SNOW_ENTRY_SIGNAL, sizeof(SnowSignal));
  m->ref = SNOW_SIGNAL_MARK;
  m->type = NULL;
  SnowSignal *s = (SnowSignal *)(void *)m->data;
  s->kind = kind;
  s->from = from;
  s->ref = ref;
  s->reason = snow_reason_make(code, text);
  return m;
}

/* Records an exit for t to act on; t's lock held. Returns 1 if t must be
 * woken. The first pending reason wins, except that a kill overrides. */
static int set_pending_locked(SnowProcess *t, int code, const char *text, int kill) {
  if (t->ps.dead) return 0;
  if (t->ps.exiting && !kill) return 0; /* §3.5: ignored during terminate */
  if (atomic_load(&t->ps.exit_pending)) {
    if (!kill || t->ps.pending_kill) return 0;
    free(t->ps.pending_text);
  }
  t->ps.pending_code = code;
  t->ps.pending_text = dup_text(text);
  t->ps.pending_kill = (uint8_t)kill;
  atomic_store(&t->ps.exit_pending, 1);
  return 1;
}

/* An exit signal with reason (code, text) from `from` reaches t (§10.3 /
 * §10.6 for targets other than the sender). via_link: only if t still has
 * the link (it is removed). kill: untrappable. */
static void exit_signal(SnowProcess *t, SnowPid from, int code, const char *text, int via_link,
                        int kill) {
  SnowMessage *entry = NULL;
  int wake = 0;
  snow_ps_lock(t);
  if (!t->ps.dead) {
    int linked = 1;
    if (via_link) {
      int i = snow_pairs_find_pid(&t->ps.links, from);
      linked = i >= 0;
      if (linked) snow_pairs_remove_at(&t->ps.links, i);
    }
    if (!linked) {
    } else if (kill) {
      wake = set_pending_locked(t, SNOW_REASON_KILLED, NULL, 1);
    } else if (t->ps.trap_exit) {
      entry = make_signal(SNOW_SIGNAL_EXIT, from, 0, code, text);
    } else if (code != SNOW_REASON_NORMAL) {
      wake = set_pending_locked(t, code, text, 0);
    }
  }
  snow_ps_unlock(t);
  if (entry) snow_ps_deliver(t, entry);
  if (wake) snow_ps_wake(t);
}

/* ---------------------------------------------------------------- unwinding */

static void unpoison_dead_stack(SnowProcess *p);

/* Does not return. Callers call unpoison_dead_stack(p) first: under
 * AddressSanitizer, frames abandoned by an earlier longjmp (a panic trap)
 * may still be poisoned below them, where ASan's no-return hook (run before
 * every call of a function that does not return) and longjmp then run. */
__attribute__((noinline)) static void jump_out(SnowProcess *p, int code, char *text, int kill) {
  if (!p->ps.landing) { /* a bare substrate process (snow_spawn): just end */
    free(text);
    snow_process_exit();
  }
  p->ps.landing_code = code;
  p->ps.landing_text = text;
  p->ps.landing_kill = kill;
  longjmp(*p->ps.landing, 1);
}

void snow_ps_check_exit(SnowProcess *p) {
  if (p->overflow_pending) snow_fault_overflow_unwind(p); /* deferred by fault.c */
  if (!atomic_load_explicit(&p->ps.exit_pending, memory_order_acquire)) return;
  snow_ps_lock(p);
  int code = p->ps.pending_code, kill = p->ps.pending_kill, exiting = p->ps.exiting;
  char *text = p->ps.pending_text;
  p->ps.pending_text = NULL;
  p->ps.pending_kill = 0;
  atomic_store(&p->ps.exit_pending, 0);
  snow_ps_unlock(p);
  if (exiting && !kill) {
    free(text);
    return;
  }
  unpoison_dead_stack(p);
  jump_out(p, code, text, kill);
  __builtin_unreachable();
}

_Noreturn void snow_proc_exit(SnowReason r) {
  SnowProcess *p = self_checked("snow_proc_exit");
  unpoison_dead_stack(p);
  jump_out(p, r.code, r.text, r.code == SNOW_REASON_KILLED);
  __builtin_unreachable();
}

void snow_reduce_slow(void) {
  snow_reductions = SNOW_REDUCTIONS_PER_SLICE;
  SnowProcess *p = snow_process_self();
  if (!p) return;
  snow_ps_check_exit(p);
  snow_sched_suspend(p, INTENT_YIELD);
  p = snow_process_self();
  snow_ps_check_exit(p);
}

/* ---------------------------------------------------------------- panics */

/* Writes `Snow panic[ in process <0.N>]: MSG[ at FILE:LINE]` as one line. */
__attribute__((noinline)) static void write_panic_line(const SnowProcess *p, const char *msg, size_t len, const char *file,
                             int64_t line) {
  char head[64];
  int hn = p && !p->ps.is_main
               ? snprintf(head, sizeof head, "Snow panic in process <0.%llu>: ",
                          (unsigned long long)p->pid)
               : snprintf(head, sizeof head, "Snow panic: ");
  char tail[64] = "";
  size_t file_len = file ? strlen(file) : 0;
  if (file) snprintf(tail, sizeof tail, ":%lld", (long long)line);
  size_t total = (size_t)hn + len + (file ? 4 + file_len + strlen(tail) : 0) + 1;
  char small[4096];
  char *buf = total <= sizeof small ? small : malloc(total);
  if (!buf) { /* out of memory while panicking: write the pieces */
    snow_write_all(2, head, (size_t)hn);
    snow_write_all(2, msg, len);
    snow_write_all(2, "\n", 1);
    return;
  }
  size_t n = 0;
  memcpy(buf + n, head, (size_t)hn), n += (size_t)hn;
  memcpy(buf + n, msg, len), n += len;
  if (file) {
    memcpy(buf + n, " at ", 4), n += 4;
    memcpy(buf + n, file, file_len), n += file_len;
    memcpy(buf + n, tail, strlen(tail)), n += strlen(tail);
  }
  buf[n++] = '\n';
  snow_write_all(2, buf, n);
  if (buf != small) free(buf);
}

void snow_proc_report_panic(const char *msg, size_t len, const char *file, int64_t line) {
  snow_stdout_flush();
  write_panic_line(snow_process_self(), msg, len, file, line);
}

void snow_proc_on_panic(const char *msg, uint64_t len, const char *file, int64_t line) {
  SnowProcess *p = snow_process_self();
  if (!p || p->ps.is_main || !p->ps.landing) return; /* main / outside: fatal */
  snow_stdout_flush();
  write_panic_line(p, msg, (size_t)len, file, line);
  char *text = malloc(len + 1);
  if (!text) snow_fatal_oom();
  memcpy(text, msg, len);
  text[len] = 0;
  unpoison_dead_stack(p);
  jump_out(p, SNOW_REASON_ERROR, text, 0);
  __builtin_unreachable();
}

/* ---------------------------------------------------------------- spawning */

enum { START_C, START_ACTOR, START_MAIN };

typedef struct ProcStart {
  int kind;
  void (*body)(void *);        /* START_C */
  void *arg;
  SnowActorEntry entry;        /* START_ACTOR */
  SnowActorTerminate terminate;
  SnowMessage *args;           /* packed spawn arguments, or NULL */
  int64_t nargs;
  uint64_t args_ptrmap;
  SnowWord (*snow_main)(void); /* START_MAIN */
} ProcStart;

typedef struct SnowExitHook {
  void (*hook)(const SnowReason *r, void *ctx);
  void *ctx;
  struct SnowExitHook *next;
} SnowExitHook;

typedef struct TerminateCall {
  SnowActorTerminate terminate;
  SnowObj *state;
  const SnowReason *reason;
} TerminateCall;

static void call_terminate(void *arg) {
  TerminateCall *c = arg;
  c->terminate(c->state, snow_reason_to_value(c->reason));
}

typedef struct HookCall {
  SnowExitHook *hook;
  const SnowReason *reason;
} HookCall;

static void call_hook(void *arg) {
  HookCall *c = arg;
  c->hook->hook(c->reason, c->hook->ctx);
}

static void unblock_fault_signals(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGSEGV);
  sigaddset(&set, SIGBUS);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* AddressSanitizer: a longjmp (notably one from the fault handler on the
 * alternate signal stack) leaves the redzones of the abandoned frames
 * poisoned on the process's stack; everything below this frame is dead. */
#if defined(__SANITIZE_ADDRESS__)
#define SNOW_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SNOW_ASAN 1
#endif
#endif
#ifdef SNOW_ASAN
#include <sanitizer/asan_interface.h>
/* Call right after landing, from the frame that called setjmp (or right
 * before a longjmp): everything below the caller's frame is dead. */
__attribute__((noinline)) static void unpoison_dead_stack(SnowProcess *p) {
  char *lo = p->stack->lo, *end = (char *)__builtin_frame_address(0);
  if (end > lo) __asan_unpoison_memory_region(lo, (size_t)(end - lo));
}
#else
static void unpoison_dead_stack(SnowProcess *p) { (void)p; }
#endif

void snow_proc_after_longjmp(void) {
  SnowProcess *p = snow_process_self();
  if (p && p->stack) unpoison_dead_stack(p);
}

/* After a jump to a landing point: the fault handler cannot allocate, so it
 * leaves the reason's text to us. */
static void settle_landing(SnowProcess *p) {
  if (p->ps.overflowed) {
    p->ps.overflowed = 0;
    unblock_fault_signals();
    free(p->ps.landing_text);
    p->ps.landing_text = dup_text("stack overflow");
    p->ps.landing_code = SNOW_REASON_ERROR;
  }
}

/* Runs fn(arg) under its own landing point; returns 1 if it ended by an
 * untrappable kill (a panic or another exit only ends fn). */
static int run_protected(SnowProcess *proc, void (*fn)(void *), void *arg) {
  jmp_buf here;
  jmp_buf *volatile saved = proc->ps.landing;
  volatile int killed = 0;
  proc->ps.landing = &here;
  if (setjmp(here) != 0) {
    SnowProcess *p = snow_process_self(); /* registers were not preserved */
    unpoison_dead_stack(p);
    settle_landing(p);
    killed = p->ps.landing_kill;
    free(p->ps.landing_text);
    p->ps.landing_text = NULL;
    p->ps.landing = saved;
    return killed;
  }
  fn(arg);
  snow_process_self()->ps.landing = saved;
  return killed;
}

static void registry_forget(SnowPid pid) { snow_registry_remove_pid(pid); }

/* `[snow-rt] main process exited: REASON`, status 134 (§9.3, §19). */
__attribute__((noinline, cold)) _Noreturn static void main_exited(const SnowReason *r) {
  char *why = snow_reason_display(r);
  static const char head[] = "[snow-rt] main process exited: ";
  size_t n = strlen(why);
  char *line = malloc(sizeof head + n + 1);
  snow_stdout_flush();
  if (line) {
    memcpy(line, head, sizeof head - 1);
    memcpy(line + sizeof head - 1, why, n);
    line[sizeof head - 1 + n] = '\n';
    snow_write_all(2, line, sizeof head + n);
  }
  _exit(134);
}

/* §10.8 steps 1-3 (4 happens when the trampoline returns). Not inlined: the
 * trampoline's frame stays small (it is committed for every process). */
__attribute__((noinline)) static void terminate_sequence(SnowProcess *p, ProcStart *st,
                                                         SnowObj *state, SnowReason r, int kill) {
  snow_ps_lock(p);
  p->ps.exiting = 1;
  snow_ps_unlock(p);
  if (!kill) {
    if (st->kind == START_ACTOR && st->terminate) {
      TerminateCall c = {st->terminate, state, &r};
      if (run_protected(p, call_terminate, &c)) kill = 1;
    }
    while (!kill && p->ps.hooks) {
      SnowExitHook *h = p->ps.hooks;
      p->ps.hooks = h->next;
      HookCall c = {h, &r};
      if (run_protected(p, call_hook, &c)) kill = 1;
      free(h);
    }
    if (kill) {
      snow_reason_free(&r);
      r = snow_reason_make(SNOW_REASON_KILLED, NULL);
    }
  }
  while (p->ps.hooks) { /* not run for a kill */
    SnowExitHook *h = p->ps.hooks;
    p->ps.hooks = h->next;
    free(h);
  }
  /* A killed C body ran no exit hook that could free its argument. */
  if (kill && st->kind == START_C && p->ps.free_arg) p->ps.free_arg(st->arg);

  /* Step 2: no longer alive; detach everything others could still reach. */
  snow_ps_lock(p);
  p->ps.dead = 1;
  SnowPairs links = p->ps.links, on = p->ps.monitors_on, held = p->ps.monitors_held;
  memset(&p->ps.links, 0, sizeof links);
  memset(&p->ps.monitors_on, 0, sizeof on);
  memset(&p->ps.monitors_held, 0, sizeof held);
  struct SnowSendAfter *timers = p->ps.timers;
  p->ps.timers = NULL;
  free(p->ps.pending_text);
  p->ps.pending_text = NULL;
  atomic_store(&p->ps.exit_pending, 0);
  snow_ps_unlock(p);
  snow_send_after_detach(timers);
  registry_forget(p->pid);

  /* Step 3. */
  for (uint32_t i = 0; i < held.n; i++) {
    SnowProcess *t = snow_proctable_get(held.items[i].pid);
    if (!t) continue;
    snow_ps_lock(t);
    int k = snow_pairs_find_key(&t->ps.monitors_on, held.items[i].key);
    if (k >= 0) snow_pairs_remove_at(&t->ps.monitors_on, k);
    snow_ps_unlock(t);
    snow_process_release(t);
  }
  for (uint32_t i = 0; i < links.n; i++) {
    SnowProcess *t = snow_proctable_get(links.items[i].pid);
    if (!t) continue;
    exit_signal(t, p->pid, r.code, r.text, 1, 0);
    snow_process_release(t);
  }
  for (uint32_t i = 0; i < on.n; i++) {
    SnowProcess *w = snow_proctable_get(on.items[i].pid);
    if (!w) continue;
    SnowMessage *down = NULL;
    snow_ps_lock(w);
    int k = snow_pairs_find_key(&w->ps.monitors_held, on.items[i].key);
    if (k >= 0 && !w->ps.dead) {
      snow_pairs_remove_at(&w->ps.monitors_held, k);
      down = make_signal(SNOW_SIGNAL_DOWN, p->pid, on.items[i].key, r.code, r.text);
    }
    snow_ps_unlock(w);
    if (down) snow_ps_deliver(w, down);
    snow_process_release(w);
  }
  for (uint32_t i = 0; i < p->ps.owned.n; i++) {
    SnowProcess *t = snow_proctable_get(p->ps.owned.items[i].pid);
    if (!t) continue;
    exit_signal(t, p->pid, SNOW_REASON_KILLED, NULL, 0, 1);
    snow_process_release(t);
  }
  snow_pairs_free(&links);
  snow_pairs_free(&on);
  snow_pairs_free(&held);
  snow_pairs_free(&p->ps.owned);

  /* Step 5 (§9.3): main terminated by an exit signal ends the program. */
  if (p->ps.is_main && r.code != SNOW_REASON_NORMAL) main_exited(&r);
  snow_reason_free(&r);
}

static void proc_trampoline(void *arg) {
  SnowProcess *p = snow_process_self();
  ProcStart *st = arg;
  /* The actor's state object (snow_rt.h): lives here, above the landing
   * point, scanned conservatively with the rest of the stack. */
  SnowWord state_words[2 + SNOW_ACTOR_MAX_PARAMS];
  SnowObj *state = (SnowObj *)(void *)state_words;
  memset(state_words, 0, sizeof state_words);
  state->size = (uint32_t)(st->nargs * 8);
  state->kind = SNOW_RECORD;
  state->gc = SNOW_GC_STATIC;
  state->ptrmap = st->args_ptrmap;
  if (st->kind == START_MAIN) p->ps.is_main = 1;
  p->ps.start = st;
  jmp_buf landing;
  p->ps.landing = &landing;
  SnowReason r = {SNOW_REASON_NORMAL, NULL};
  int kill = 0;
  if (setjmp(landing) == 0) {
    /* The spawn arguments first: a terminate clause run for an exit signal
     * that arrived before the first run must see them. */
    if (st->args) {
      snow_copy_unpack(st->args, 0, SNOW_PAYLOAD(state), (int)st->nargs);
      snow_message_free(st->args);
      st->args = NULL;
    }
    snow_ps_check_exit(p);
    switch (st->kind) {
    case START_C:
      st->body(st->arg);
      break;
    case START_ACTOR:
      st->entry(state);
      break;
    case START_MAIN:
      st->snow_main();
      break;
    }
  } else {
    p = snow_process_self();
    unpoison_dead_stack(p);
    settle_landing(p);
    r.code = p->ps.landing_code;
    r.text = p->ps.landing_text;
    kill = p->ps.landing_kill;
    p->ps.landing_text = NULL;
    if (st->args) {
      snow_message_free(st->args);
      st->args = NULL;
    }
  }
  p = snow_process_self();
  terminate_sequence(p, st, state, r, kill);
  p->ps.landing = NULL;
  p->ps.start = NULL;
  free(st);
}

void snow_proc_state_free(SnowProcState *ps) {
  snow_pairs_free(&ps->links);
  snow_pairs_free(&ps->monitors_on);
  snow_pairs_free(&ps->monitors_held);
  snow_pairs_free(&ps->owned);
  while (ps->hooks) {
    SnowExitHook *h = ps->hooks;
    ps->hooks = h->next;
    free(h);
  }
  free(ps->pending_text);
  ps->pending_text = NULL;
  free(ps->landing_text);
  ps->landing_text = NULL;
  ProcStart *st = ps->start;
  if (st && ps->free_arg) ps->free_arg(ps->body_arg); /* abandoned C body */
  if (st) {
    if (st->args) snow_message_free(st->args);
    free(st);
    ps->start = NULL;
  }
}

/* Creates and starts a process for st (owned by the new process). */
/* msg_type: an actor's declared type (a static STRING: the compiler's type
 * names are static objects, safe to share between processes), or NULL. */
static SnowPid spawn_start(ProcStart *st, const SnowProcOptions *opts, SnowObj *msg_type) {
  SnowProcess *parent = snow_process_self();
  SnowProcess *c = snow_sched_create(proc_trampoline, st, 0);
  c->ps.start = st;
  c->ps.declared_type = msg_type;
  if (opts) {
    c->ps.declared_cname = opts->declared_type;
    c->ps.trap_exit = opts->trap_exit ? 1 : 0;
    if (st->kind == START_C) {
      c->ps.free_arg = opts->free_arg;
      c->ps.body_arg = st->arg;
    }
  }
  if (parent && parent->ps.autolink) {
    /* Linked before the child can run: the link covers its whole life. */
    snow_pairs_add(&c->ps.links, 0, parent->pid);
    snow_ps_lock(parent);
    snow_pairs_add(&parent->ps.links, 0, c->pid);
    snow_ps_unlock(parent);
  }
  return snow_sched_start(c);
}

static ProcStart *new_start(int kind) {
  ProcStart *st = calloc(1, sizeof *st);
  if (!st) snow_fatal_oom();
  st->kind = kind;
  return st;
}

SnowPid snow_proc_spawn(void (*body)(void *arg), void *arg, const SnowProcOptions *opts) {
  ProcStart *st = new_start(START_C);
  st->body = body;
  st->arg = arg;
  return spawn_start(st, opts, NULL);
}

SnowWord snow_actor_spawn(SnowActorEntry entry, SnowActorTerminate terminate, SnowObj *msg_type,
                          SnowObj *args, int64_t nargs) {
  if (nargs < 0 || nargs > SNOW_ACTOR_MAX_PARAMS) snow_fatal("actor with too many parameters");
  ProcStart *st = new_start(START_ACTOR);
  st->entry = entry;
  st->terminate = terminate;
  st->nargs = nargs;
  if (nargs > 0 && args) {
    uint64_t mask = args->ptrmap;
    if (mask >> 63) mask = ~(uint64_t)0;
    if (nargs < 64) mask &= ((uint64_t)1 << nargs) - 1;
    st->args_ptrmap = mask;
    st->args = snow_copy_pack(SNOW_PAYLOAD(args), mask, (int)nargs, 0);
  }
  SnowPid pid = spawn_start(st, NULL, msg_type);
  return (SnowWord)pid;
}

int snow_proc_run_main(SnowWord (*snow_main)(void), size_t stack_bytes) {
  ProcStart *st = new_start(START_MAIN);
  st->snow_main = snow_main;
  SnowSchedOptions opts = {0, stack_bytes};
  SnowSchedResult res = snow_sched_run(&opts, proc_trampoline, st);
  return res.main_finished;
}

int64_t snow_autolink_begin(void) {
  SnowProcess *p = self_checked("spawn_link");
  int64_t previous = p->ps.autolink;
  p->ps.autolink = 1;
  return previous;
}

void snow_autolink_end(int64_t previous) {
  SnowProcess *p = self_checked("spawn_link");
  p->ps.autolink = previous ? 1 : 0;
}

/* ---------------------------------------------------------------- queries */

int snow_proc_is_alive(SnowPid pid) {
  SnowProcess *t = snow_proctable_get(pid);
  if (!t) return 0;
  snow_ps_lock(t);
  int alive = !t->ps.dead;
  snow_ps_unlock(t);
  snow_process_release(t);
  return alive;
}

int64_t snow_is_alive(SnowWord pid) { return snow_proc_is_alive(pid); }

SnowWord snow_self_pid(void) {
  SnowProcess *p = snow_process_self();
  return p ? p->pid : 0;
}

SnowObj *snow_pid_to_string(SnowWord pid) {
  char buf[40];
  int n = snprintf(buf, sizeof buf, "<0.%llu>", (unsigned long long)pid);
  return snow_string_new(buf, (uint64_t)n);
}

/* ---------------------------------------------------------------- links */

void snow_link(SnowWord pid) {
  SnowProcess *p = self_checked("link");
  if (pid == p->pid) return;
  /* Our side first: if the target dies between the two steps, its
   * termination finds the link on our side and signals us. */
  snow_ps_lock(p);
  int already = snow_pairs_find_pid(&p->ps.links, pid) >= 0;
  if (!already) snow_pairs_add(&p->ps.links, 0, pid);
  snow_ps_unlock(p);
  if (already) return;
  SnowProcess *t = snow_proctable_get(pid);
  int alive = 0;
  if (t) {
    snow_ps_lock(t);
    alive = !t->ps.dead;
    if (alive && snow_pairs_find_pid(&t->ps.links, p->pid) < 0) snow_pairs_add(&t->ps.links, 0, p->pid);
    snow_ps_unlock(t);
    snow_process_release(t);
  }
  if (alive) return;
  /* Not alive: NoProc (§10.3), unless a signal from it already consumed the
   * link. */
  SnowMessage *entry = NULL;
  int die = 0;
  snow_ps_lock(p);
  int i = snow_pairs_find_pid(&p->ps.links, pid);
  if (i >= 0) {
    snow_pairs_remove_at(&p->ps.links, i);
    if (p->ps.trap_exit) entry = make_signal(SNOW_SIGNAL_EXIT, pid, 0, SNOW_REASON_NOPROC, NULL);
    else die = 1;
  }
  snow_ps_unlock(p);
  if (entry) snow_ps_deliver(p, entry);
  if (die) {
    unpoison_dead_stack(p);
    jump_out(p, SNOW_REASON_NOPROC, NULL, 0);
    __builtin_unreachable();
  }
}

void snow_unlink(SnowWord pid) {
  SnowProcess *p = self_checked("Process.unlink");
  snow_ps_lock(p);
  int i = snow_pairs_find_pid(&p->ps.links, pid);
  if (i >= 0) snow_pairs_remove_at(&p->ps.links, i);
  snow_ps_unlock(p);
  SnowProcess *t = snow_proctable_get(pid);
  if (!t) return;
  snow_ps_lock(t);
  int k = snow_pairs_find_pid(&t->ps.links, p->pid);
  if (k >= 0) snow_pairs_remove_at(&t->ps.links, k);
  snow_ps_unlock(t);
  snow_process_release(t);
}

/* ---------------------------------------------------------------- monitors */

int64_t snow_monitor(SnowWord pid) {
  SnowProcess *p = self_checked("monitor");
  int64_t ref = atomic_fetch_add(&next_monitor_ref, 1);
  if (pid == p->pid) return ref; /* monitoring oneself never fires */
  snow_ps_lock(p);
  snow_pairs_add(&p->ps.monitors_held, ref, pid);
  snow_ps_unlock(p);
  SnowProcess *t = snow_proctable_get(pid);
  int alive = 0;
  if (t) {
    snow_ps_lock(t);
    alive = !t->ps.dead;
    if (alive) snow_pairs_add(&t->ps.monitors_on, ref, p->pid);
    snow_ps_unlock(t);
    snow_process_release(t);
  }
  if (alive) return ref;
  snow_ps_lock(p);
  int i = snow_pairs_find_key(&p->ps.monitors_held, ref);
  if (i >= 0) snow_pairs_remove_at(&p->ps.monitors_held, i);
  snow_ps_unlock(p);
  if (i >= 0) snow_ps_deliver(p, make_signal(SNOW_SIGNAL_DOWN, pid, ref, SNOW_REASON_NOPROC, NULL));
  return ref;
}

void snow_demonitor(int64_t ref) {
  SnowProcess *p = self_checked("Process.demonitor");
  snow_ps_lock(p);
  int i = snow_pairs_find_key(&p->ps.monitors_held, ref);
  uint64_t target = i >= 0 ? p->ps.monitors_held.items[i].pid : 0;
  if (i >= 0) snow_pairs_remove_at(&p->ps.monitors_held, i);
  snow_ps_unlock(p);
  if (i < 0) return;
  SnowProcess *t = snow_proctable_get(target);
  if (!t) return;
  snow_ps_lock(t);
  int k = snow_pairs_find_key(&t->ps.monitors_on, ref);
  if (k >= 0) snow_pairs_remove_at(&t->ps.monitors_on, k);
  snow_ps_unlock(t);
  snow_process_release(t);
}

/* ---------------------------------------------------------------- exits */

void snow_proc_signal_exit(SnowPid pid, const SnowReason *r) {
  SnowProcess *p = self_checked("Process.exit");
  if (pid == p->pid) snow_proc_exit(snow_reason_copy(r));
  SnowProcess *t = snow_proctable_get(pid);
  if (!t) return;
  exit_signal(t, p->pid, r->code, r->text, 0, r->code == SNOW_REASON_KILLED);
  snow_process_release(t);
}

void snow_exit_process(SnowWord pid, SnowWord reason) {
  SnowReason r = snow_reason_from_value(reason);
  SnowProcess *p = self_checked("Process.exit");
  if (pid == p->pid) snow_proc_exit(r); /* takes r */
  snow_proc_signal_exit(pid, &r);
  snow_reason_free(&r);
}

void snow_trap_exit(int64_t flag) {
  SnowProcess *p = self_checked("Process.trap_exit");
  snow_ps_lock(p);
  p->ps.trap_exit = flag ? 1 : 0;
  snow_ps_unlock(p);
}

void snow_proc_on_exit(void (*hook)(const SnowReason *r, void *ctx), void *ctx) {
  SnowProcess *p = self_checked("snow_proc_on_exit");
  SnowExitHook *h = malloc(sizeof *h);
  if (!h) snow_fatal_oom();
  h->hook = hook;
  h->ctx = ctx;
  h->next = p->ps.hooks;
  p->ps.hooks = h;
}

void snow_proc_own(SnowPid job) {
  SnowProcess *p = self_checked("snow_proc_own");
  snow_pairs_add(&p->ps.owned, 0, job);
}

void snow_proc_disown(SnowPid job) {
  SnowProcess *p = self_checked("snow_proc_disown");
  int i = snow_pairs_find_pid(&p->ps.owned, job);
  if (i >= 0) snow_pairs_remove_at(&p->ps.owned, i);
}
