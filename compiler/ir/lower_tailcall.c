/* lower_tailcall.c — self tail calls as loops (see passes.h). */
#include "passes.h"

typedef struct TailCtx {
  Arena *arena;
  IrFunc *fn;
  int rewritten;
  int loops; /* IR_LOOPs (Snow `for`/`while`) around the node being walked */
} TailCtx;

/* Rewrites the call node `n` in place into: tmp_i = arg_i...; param_i = tmp_i...; continue. */
static void rewrite_call(TailCtx *t, IrNode *n) {
  Arena *a = t->arena;
  int nargs = n->nkids;
  IrNode **args = n->kids;
  IrNode *seq = ir_seq(a);
  int *tmps = ARENA_ARRAY(a, int, nargs ? nargs : 1);
  for (int i = 0; i < nargs; i++) {
    tmps[i] = ir_new_slot(a, t->fn, "tailarg");
    ir_add_kid(a, seq, ir_set(a, tmps[i], args[i]));
  }
  for (int i = 0; i < nargs; i++)
    ir_add_kid(a, seq, ir_set(a, i, ir_var(a, tmps[i])));
  /* from inside Snow loops, jump past them to the function's own loop */
  IrNode *back = ir_node(a, IR_CONTINUE, n->line);
  back->ival = t->loops;
  ir_add_kid(a, seq, back);
  *n = *seq;
  t->rewritten++;
}

static void walk(TailCtx *t, IrNode *n, bool tail) {
  switch (n->op) {
  case IR_CALL:
    for (int i = 0; i < n->nkids; i++)
      walk(t, n->kids[i], false);
    if (tail && n->fn == t->fn && n->nkids == t->fn->nparams) rewrite_call(t, n);
    return;
  case IR_SEQ:
    for (int i = 0; i < n->nkids; i++)
      walk(t, n->kids[i], tail && i == n->nkids - 1);
    return;
  case IR_IF:
    walk(t, n->kids[0], false);
    walk(t, n->kids[1], tail);
    walk(t, n->kids[2], tail);
    return;
  case IR_SWITCH:
    walk(t, n->kids[0], false);
    for (int i = 1; i < n->nkids; i++)
      walk(t, n->kids[i], tail);
    return;
  case IR_RETURN:
    walk(t, n->kids[0], true);
    return;
  case IR_LOOP:
    /* A Snow loop (this pass wraps its own loop only afterwards): only a
     * `return f(...)` inside it can be a tail call, and its back-edge must
     * skip this loop. */
    t->loops++;
    walk(t, n->kids[0], false);
    t->loops--;
    return;
  default:
    for (int i = 0; i < n->nkids; i++)
      walk(t, n->kids[i], false);
    return;
  }
}

void ir_pass_self_tail_calls(Arena *a, IrModule *m) {
  for (int i = 0; i < m->funcs.len; i++) {
    IrFunc *f = m->funcs.items[i];
    if (!f->body) continue;
    TailCtx t = {a, f, 0};
    walk(&t, f->body, true);
    if (t.rewritten) {
      IrNode *loop = ir_node(a, IR_LOOP, f->line);
      ir_add_kid(a, loop, f->body);
      f->body = loop;
    }
  }
}
