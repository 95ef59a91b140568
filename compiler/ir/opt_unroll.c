/* opt_unroll.c — recursion unrolling: a small self-recursive function gets
 * copies of its own body inlined at its non-tail self-call sites (passes.h).
 *
 * Contract. Runs after ir_pass_self_tail_calls, so every direct self call
 * left in a body is a non-tail one (tail ones already are loops and are never
 * touched). For an eligible function f, whole "levels" are unrolled: level 1
 * replaces each self call of the original body by a copy of that body; level
 * k replaces the self calls that level k-1 introduced. A level is done only
 * when it fits the size budget, so the unrolling stays symmetric and the
 * growth is bounded (UNROLL_MAX_LEVELS, UNROLL_MAX_NODES). An inlined copy
 *   f(a1..an)  ==>  { p1' = a1; ..; pn' = an; s' = () for the other slots;
 *                     BODY with every slot s renamed s' }
 * evaluates the arguments in order into fresh slots, then runs the body just
 * as the call would have: locals start as () like at a function entry
 * (codegen's rule for unwritten slots), a self-tail-call loop inside the copy
 * rebinds the copy's own parameters, and line numbers are kept, so panics in
 * an inlined copy report the original line (it is the same function, hence
 * the same file).
 *
 * Calls are never removed or merged by this pass: each remaining self call is
 * a real call with its reduction point at the callee's entry (concurrency.md
 * §8 counts "at the callee's entry"; an inlined level simply has no entry,
 * and the work between two reduction points stays bounded by the size of the
 * unrolled body, so fairness holds). Unrolling creates self calls with equal
 * arguments (fib's copies both call fib(n - 3)); they stay separate calls
 * because a reduction point is an effect LLVM must keep. In a build without
 * reduction points (SNOW_EMIT_REDUCTIONS=0, codegen/llvm_emit.h) LLVM may
 * merge such calls of a pure function — a valid optimisation, but then a
 * call benchmark no longer measures calls.
 *
 * Eligible: a body of at most UNROLL_MAX_BODY nodes, not closure code (no
 * IR_ENV), without IR_RETURN (a `return` in a copy would leave f itself),
 * made only of the node kinds this file knows how to copy (a kind added to
 * ir.h later makes a function ineligible rather than wrongly copied). */
#include <string.h>

#include "passes.h"

enum {
  UNROLL_MAX_BODY = 64,   /* nodes of the original body: "small" */
  UNROLL_MAX_LEVELS = 4,  /* fib: one real call does the work of 1 + 2 + 4 + 8 + 16 calls */
  UNROLL_MAX_NODES = 640, /* the unrolled body of f must stay under this */
};

/* Node kinds the copier handles: all fields of IrNode are plain data or
 * point to immutable shared data (strings, cases, functions). */
static bool copyable_op(IrOp op) {
  switch (op) {
  case IR_INT:
  case IR_FLOAT:
  case IR_STRING:
  case IR_VAR:
  case IR_SET:
  case IR_SEQ:
  case IR_IF:
  case IR_SWITCH:
  case IR_LOOP:
  case IR_CONTINUE:
  case IR_BIN:
  case IR_UN:
  case IR_CALL:
  case IR_CALL_CLOSURE:
  case IR_CALL_RT:
  case IR_FUNC_ADDR:
  case IR_RECORD:
  case IR_CLOSURE:
  case IR_FIELD:
  case IR_TAG:
  case IR_LIST:
  case IR_CONCAT:
  case IR_PANIC_NO_MATCH:
  case IR_BREAK:
  case IR_STORE_FIELD: /* actors area: plain data like IR_FIELD */
    return true;
  case IR_RETURN: /* would return from the caller */
  case IR_ENV:    /* closure code is not unrolled */
  default:        /* kinds added later: not known to be copyable */
    return false;
  }
}

typedef struct BodyInfo {
  int nodes;
  int self_calls;
  bool copyable;
} BodyInfo;

static bool is_self_call(const IrFunc *f, const IrNode *n) {
  return n->op == IR_CALL && n->fn == f && n->nkids == f->nparams;
}

/* Stops early once the body is too big (bodies can be very deep trees). */
static void measure(const IrFunc *f, const IrNode *n, BodyInfo *info) {
  if (++info->nodes > UNROLL_MAX_BODY) return;
  if (!copyable_op(n->op)) info->copyable = false;
  if (is_self_call(f, n)) info->self_calls++;
  for (int i = 0; i < n->nkids && info->nodes <= UNROLL_MAX_BODY; i++)
    measure(f, n->kids[i], info);
}

/* State of one function's unrolling. */
typedef struct Unroll {
  Arena *a;
  IrFunc *f;
  const IrNode *tmpl; /* a pristine copy of the original body */
  int tmpl_slots;     /* slots 0..tmpl_slots-1 are the ones tmpl uses */
  VEC(IrNode *) next; /* self calls introduced by the current level */
} Unroll;

/* Deep copy of `n` with slot s renamed to base + s; self calls of the copy
 * are recorded as the next level's sites. */
static IrNode *copy_node(Unroll *u, const IrNode *n, int base) {
  IrNode *c = ir_node(u->a, n->op, n->line);
  *c = *n;
  c->kids = NULL;
  c->nkids = 0;
  if (n->op == IR_VAR || n->op == IR_SET) c->slot = base + n->slot;
  if (n->op == IR_CALL) c->self_tail = false; /* not in f's tail position any more */
  for (int i = 0; i < n->nkids; i++)
    ir_add_kid(u->a, c, copy_node(u, n->kids[i], base));
  if (is_self_call(u->f, c)) VEC_PUSH(u->a, u->next, c);
  return c;
}

/* Replaces the self call `site` (in place) by an inlined copy of the body. */
static void inline_at(Unroll *u, IrNode *site) {
  Arena *a = u->a;
  IrFunc *f = u->f;
  if (!is_self_call(f, site)) return; /* a node shared by two parents: already inlined */
  int base = f->nslots;
  for (int s = 0; s < u->tmpl_slots; s++)
    ir_new_slot(a, f, f->slot_names[s]);
  IrNode *seq = ir_seq(a);
  seq->line = site->line;
  for (int i = 0; i < f->nparams; i++)
    ir_add_kid(a, seq, ir_set(a, base + i, site->kids[i]));
  for (int s = f->nparams; s < u->tmpl_slots; s++)
    ir_add_kid(a, seq, ir_set(a, base + s, ir_unit(a)));
  ir_add_kid(a, seq, copy_node(u, u->tmpl, base));
  *site = *seq;
}

/* The self calls of the original body, the sites of level 1. */
static void collect_sites(Unroll *u, IrNode *n) {
  if (is_self_call(u->f, n)) VEC_PUSH(u->a, u->next, n);
  for (int i = 0; i < n->nkids; i++)
    collect_sites(u, n->kids[i]);
}

static void unroll_function(Arena *a, IrFunc *f) {
  if (!f->body || f->has_env) return;
  BodyInfo info = {0, 0, true};
  measure(f, f->body, &info);
  if (!info.copyable || info.self_calls == 0 || info.nodes > UNROLL_MAX_BODY) return;

  Unroll u = {0};
  u.a = a;
  u.f = f;
  u.tmpl_slots = f->nslots;
  u.tmpl = copy_node(&u, f->body, 0);
  u.next.len = 0; /* the template's own self calls are not sites */
  collect_sites(&u, f->body);

  /* A copy costs the body plus one SET (and its value) per slot. */
  int copy_cost = info.nodes + 2 * u.tmpl_slots + 1;
  int total = info.nodes;
  for (int level = 1; level <= UNROLL_MAX_LEVELS && u.next.len > 0; level++) {
    if (total + u.next.len * copy_cost > UNROLL_MAX_NODES) break;
    total += u.next.len * copy_cost;
    int nsites = u.next.len;
    IrNode **sites = ARENA_ARRAY(a, IrNode *, nsites);
    memcpy(sites, u.next.items, sizeof(*sites) * (size_t)nsites);
    u.next.len = 0;
    /* In place, so a site nested in another site's arguments stays valid. */
    for (int i = 0; i < nsites; i++)
      inline_at(&u, sites[i]);
  }
}

void ir_pass_unroll_recursion(Arena *a, IrModule *m) {
  for (int i = 0; i < m->funcs.len; i++)
    unroll_function(a, m->funcs.items[i]);
}
