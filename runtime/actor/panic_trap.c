/* panic_trap.c — per-process panic traps (panic_trap.h). */
#include "panic_trap.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/panic.h"
#include "proc.h"

/* Documented runtime state: the traps of all processes, innermost first,
 * under one lock (a handful at a time: supervisors starting a child). The
 * nodes are malloc'd so that a stale node of an abandoned frame is never
 * read through a dead stack. */
typedef struct TrapNode {
  SnowPid pid;
  SnowPanicTrap *trap;
  struct TrapNode *next;
} TrapNode;
static pthread_mutex_t traps_lock = PTHREAD_MUTEX_INITIALIZER;
static TrapNode *traps;

/* Under the lock: unlinks and frees the nodes for which drop() holds. */
static void drop_nodes(int (*drop)(const TrapNode *n, const void *ctx), const void *ctx) {
  for (TrapNode **p = &traps; *p;) {
    TrapNode *n = *p;
    if (drop(n, ctx)) {
      *p = n->next;
      free(n);
    } else {
      p = &n->next;
    }
  }
}

static int is_dead(const TrapNode *n, const void *ctx) {
  (void)ctx;
  return !snow_proc_is_alive(n->pid);
}

static int is_trap(const TrapNode *n, const void *ctx) { return n->trap == ctx; }

static int is_pid(const TrapNode *n, const void *ctx) { return n->pid == *(const SnowPid *)ctx; }

void snow_panic_trap_push(SnowPanicTrap *t) {
  TrapNode *n = malloc(sizeof *n);
  if (!n) snow_fatal("out of memory");
  n->pid = snow_self();
  n->trap = t;
  t->msg = NULL;
  pthread_mutex_lock(&traps_lock);
  drop_nodes(is_dead, NULL);
  n->next = traps;
  traps = n;
  pthread_mutex_unlock(&traps_lock);
}

void snow_panic_trap_pop(SnowPanicTrap *t) {
  pthread_mutex_lock(&traps_lock);
  drop_nodes(is_trap, t);
  pthread_mutex_unlock(&traps_lock);
}

void snow_panic_trap_forget_self(void) {
  SnowPid self = snow_self();
  pthread_mutex_lock(&traps_lock);
  drop_nodes(is_pid, &self);
  pthread_mutex_unlock(&traps_lock);
}

void snow_panic_trap_fire(const char *msg, uint64_t len, const char *file, int64_t line) {
  SnowPid self = snow_self();
  if (self == SNOW_NO_PID) return;
  SnowPanicTrap *t = NULL;
  pthread_mutex_lock(&traps_lock);
  for (TrapNode *n = traps; n && !t; n = n->next)
    if (n->pid == self) t = n->trap;
  if (t) drop_nodes(is_trap, t);
  pthread_mutex_unlock(&traps_lock);
  if (!t) return;
  snow_proc_report_panic(msg, (size_t)len, file, line); /* the §19 line */
  t->msg = malloc(len + 1);
  if (!t->msg) snow_fatal("out of memory");
  memcpy(t->msg, msg, len);
  t->msg[len] = 0;
  longjmp(t->jump, 1);
}
