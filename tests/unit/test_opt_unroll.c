/* test_opt_unroll.c — the recursion-unrolling pass (compiler/ir/opt_unroll.c)
 * on hand-built IR modules.
 *
 * A small reference interpreter runs each function before and after the pass
 * (after the self-tail-call pass, as the compiler does) and checks that the
 * results are equal while fewer real calls happen; structural checks cover
 * what must not be unrolled (closure code, `return`, tail-only recursion,
 * large bodies), the level/size bounds and the kept line numbers. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../compiler/ir/ir.h"
#include "../../compiler/ir/passes.h"

#include "unit.h"

static Arena arena;
#define A (&arena)

/* ------------------------------------------------ reference interpreter */

typedef enum Flow { FLOW_NORMAL, FLOW_CONTINUE, FLOW_BREAK, FLOW_RETURN } Flow;

typedef struct Frame {
  int64_t *slots;
  Flow flow;
  int levels; /* FLOW_CONTINUE: loops still to leave */
  int64_t ret;
} Frame;

static long calls; /* real calls made by the interpreter */

/* A wrong rewrite may loop or recurse forever: bound both, and fail. */
enum { MAX_STEPS = 50000000, MAX_DEPTH = 400 };
static long steps;
static int depth;
static bool gave_up;

static int64_t call_fn(const IrFunc *f, const int64_t *args);

static int64_t eval(Frame *fr, const IrNode *n) {
  int64_t v = 0;
  switch (n->op) {
  case IR_INT:
    return n->ival;
  case IR_VAR:
    return fr->slots[n->slot];
  case IR_SET:
    v = eval(fr, n->kids[0]);
    if (fr->flow == FLOW_NORMAL) fr->slots[n->slot] = v;
    return 0;
  case IR_SEQ:
    for (int i = 0; i < n->nkids && fr->flow == FLOW_NORMAL; i++)
      v = eval(fr, n->kids[i]);
    return v;
  case IR_IF:
    v = eval(fr, n->kids[0]);
    if (fr->flow != FLOW_NORMAL) return 0;
    return eval(fr, n->kids[v ? 1 : 2]);
  case IR_BIN: {
    int64_t l = eval(fr, n->kids[0]);
    if (fr->flow != FLOW_NORMAL) return 0;
    int64_t r = eval(fr, n->kids[1]);
    switch ((IrBinOp)n->ival) {
    case IB_IADD: return l + r;
    case IB_ISUB: return l - r;
    case IB_IMUL: return l * r;
    case IB_ILT: return l < r;
    case IB_IEQ: return l == r;
    default: return 0;
    }
  }
  case IR_CALL: {
    int64_t args[8] = {0};
    for (int i = 0; i < n->nkids && fr->flow == FLOW_NORMAL; i++)
      args[i] = eval(fr, n->kids[i]);
    if (fr->flow != FLOW_NORMAL) return 0;
    return call_fn(n->fn, args);
  }
  case IR_LOOP:
    for (;;) {
      if (gave_up || ++steps > MAX_STEPS) {
        gave_up = true;
        return 0;
      }
      v = eval(fr, n->kids[0]);
      if (fr->flow == FLOW_CONTINUE) {
        if (fr->levels-- > 0) return 0; /* targets an outer loop */
        fr->flow = FLOW_NORMAL;
        continue;
      }
      if (fr->flow == FLOW_BREAK) {
        fr->flow = FLOW_NORMAL;
        return 0;
      }
      return v;
    }
  case IR_CONTINUE:
    fr->flow = FLOW_CONTINUE;
    fr->levels = (int)n->ival;
    return 0;
  case IR_BREAK:
    fr->flow = FLOW_BREAK;
    return 0;
  case IR_RETURN:
    v = eval(fr, n->kids[0]);
    if (fr->flow != FLOW_NORMAL) return 0;
    fr->flow = FLOW_RETURN;
    fr->ret = v;
    return 0;
  default:
    CHECK(0, "interpreter: unexpected op %d", (int)n->op);
    return 0;
  }
}

static int64_t call_fn(const IrFunc *f, const int64_t *args) {
  calls++;
  if (gave_up || ++steps > MAX_STEPS || depth >= MAX_DEPTH) {
    if (!gave_up) CHECK(0, "%s: runaway loop or recursion", f->name);
    gave_up = true;
    return 0;
  }
  int64_t slots[1024] = {0}; /* unwritten slots read as () like in codegen */
  if (f->nslots > 1024) {
    CHECK(0, "%s has %d slots", f->name, f->nslots);
    return 0;
  }
  memcpy(slots, args, sizeof(int64_t) * (size_t)f->nparams);
  Frame fr = {slots, FLOW_NORMAL, 0, 0};
  depth++;
  int64_t v = eval(&fr, f->body);
  depth--;
  return fr.flow == FLOW_RETURN ? fr.ret : v;
}

/* ------------------------------------------------------------ builders */

static IrNode *var(int s) { return ir_var(A, s); }
static IrNode *num(int64_t v) { return ir_int(A, v); }
static IrNode *bin(IrBinOp op, IrNode *l, IrNode *r) { return ir_bin(A, op, l, r, 0); }
static IrNode *call1(IrFunc *f, IrNode *x) { return ir_call(A, f, &x, 1); }
static IrNode *call2(IrFunc *f, IrNode *x, IrNode *y) {
  IrNode *args[] = {x, y};
  return ir_call(A, f, args, 2);
}

/* fib(n) = if n < 2 then n else fib(n - 1) + fib(n - 2), all nodes at `line` */
static IrFunc *make_fib(IrModule *m, const char *name, int line) {
  IrFunc *f = ir_func_new(A, m, name, 1, false);
  IrNode *lt = ir_bin(A, IB_ILT, var(0), num(2), line);
  IrNode *a = call1(f, ir_bin(A, IB_ISUB, var(0), num(1), line));
  IrNode *b = call1(f, ir_bin(A, IB_ISUB, var(0), num(2), line));
  a->line = b->line = line;
  f->body = ir_if(A, lt, var(0), ir_bin(A, IB_IADD, a, b, line));
  f->body->line = line;
  return f;
}

/* ack(m, n): m == 0 -> n + 1; n == 0 -> ack(m - 1, 1); else ack(m - 1, ack(m, n - 1)) */
static IrFunc *make_ack(IrModule *m) {
  IrFunc *f = ir_func_new(A, m, "ack", 2, false);
  IrNode *inner = call2(f, var(0), bin(IB_ISUB, var(1), num(1)));
  IrNode *outer = call2(f, bin(IB_ISUB, var(0), num(1)), inner);
  IrNode *n0 = ir_if(A, bin(IB_IEQ, var(1), num(0)), call2(f, bin(IB_ISUB, var(0), num(1)), num(1)),
                     outer);
  f->body = ir_if(A, bin(IB_IEQ, var(0), num(0)), bin(IB_IADD, var(1), num(1)), n0);
  return f;
}

/* sum_to(n) = let t = n * 2 (a local slot); if n == 0 then 0 else t + sum_to(n - 1) */
static IrFunc *make_sum_to(IrModule *m) {
  IrFunc *f = ir_func_new(A, m, "sum_to", 1, false);
  int t = ir_new_slot(A, f, "t");
  IrNode *seq = ir_seq(A);
  ir_add_kid(A, seq, ir_set(A, t, bin(IB_IMUL, var(0), num(2))));
  ir_add_kid(A, seq, ir_if(A, bin(IB_IEQ, var(0), num(0)), num(0),
                           bin(IB_IADD, var(t), call1(f, bin(IB_ISUB, var(0), num(1))))));
  f->body = seq;
  return f;
}

static void count_nodes(const IrNode *n, const IrFunc *self, int *nodes, int *self_calls,
                        int *bad_lines, int line) {
  (*nodes)++;
  if (n->op == IR_CALL && n->fn == self) (*self_calls)++;
  if ((n->op == IR_BIN || n->op == IR_CALL) && n->line != line) (*bad_lines)++;
  for (int i = 0; i < n->nkids; i++)
    count_nodes(n->kids[i], self, nodes, self_calls, bad_lines, line);
}

/* --------------------------------------------------------------- tests */

static void test_fib_same_values_fewer_calls(void) {
  IrModule *plain = ARENA_NEW(A, IrModule);
  IrModule *opt = ARENA_NEW(A, IrModule);
  IrFunc *f0 = make_fib(plain, "fib", 7);
  IrFunc *f1 = make_fib(opt, "fib", 7);
  ir_pass_self_tail_calls(A, plain);
  ir_pass_self_tail_calls(A, opt);
  ir_pass_unroll_recursion(A, opt);
  for (int64_t n = 0; n <= 22; n++) {
    calls = 0;
    int64_t want = call_fn(f0, &n);
    long plain_calls = calls;
    calls = 0;
    int64_t got = call_fn(f1, &n);
    CHECK(got == want, "fib(%lld): %lld, want %lld", (long long)n, (long long)got,
          (long long)want);
    if (n >= 15) /* small n: the unrolled levels' leaves dominate */
      CHECK(calls * 3 < plain_calls, "fib(%lld): %ld real calls left of %ld", (long long)n, calls,
            plain_calls);
  }
  /* Four whole levels: the 2 self calls became 2^5 = 32, each line kept. */
  int nodes = 0, self_calls = 0, bad_lines = 0;
  count_nodes(f1->body, f1, &nodes, &self_calls, &bad_lines, 7);
  CHECK(self_calls == 32, "fib has %d self calls after unrolling", self_calls);
  CHECK(bad_lines == 0, "%d copied nodes lost their line", bad_lines);
  CHECK(nodes < 640, "unrolled fib has %d nodes", nodes);
  CHECK(f1->nslots == 31, "fib has %d slots (1 + 30 copies' params)", f1->nslots);
}

static void test_mixed_tail_and_non_tail(void) {
  IrModule *plain = ARENA_NEW(A, IrModule);
  IrModule *opt = ARENA_NEW(A, IrModule);
  IrFunc *f0 = make_ack(plain);
  IrFunc *f1 = make_ack(opt);
  ir_pass_self_tail_calls(A, plain);
  ir_pass_self_tail_calls(A, opt);
  ir_pass_unroll_recursion(A, opt);
  CHECK(f1->nslots > f0->nslots, "ack was not unrolled");
  for (int64_t m = 0; m <= 3; m++)
    for (int64_t n = 0; n <= 4; n++) {
      int64_t args[] = {m, n};
      int64_t want = call_fn(f0, args), got = call_fn(f1, args);
      CHECK(got == want, "ack(%lld, %lld): %lld, want %lld", (long long)m, (long long)n,
            (long long)got, (long long)want);
    }
}

static void test_locals_renamed_in_copies(void) {
  IrModule *m = ARENA_NEW(A, IrModule);
  IrFunc *f = make_sum_to(m);
  ir_pass_self_tail_calls(A, m);
  ir_pass_unroll_recursion(A, m);
  CHECK(f->nslots > 2, "sum_to was not unrolled");
  for (int64_t n = 0; n <= 40; n++) {
    int64_t got = call_fn(f, &n);
    CHECK(got == n * (n + 1), "sum_to(%lld) = %lld", (long long)n, (long long)got);
  }
}

static void test_not_unrolled(void) {
  IrModule *m = ARENA_NEW(A, IrModule);
  /* closure code */
  IrFunc *clo = ir_func_new(A, m, "clo", 1, true);
  clo->body = ir_if(A, bin(IB_ILT, var(0), num(1)), num(0), call1(clo, num(0)));
  clo->body->kids[2] = bin(IB_IADD, num(1), call1(clo, bin(IB_ISUB, var(0), num(1))));
  /* a body with `return` */
  IrFunc *ret = ir_func_new(A, m, "ret", 1, false);
  ret->body = bin(IB_IADD, ir_return(A, num(1)), call1(ret, var(0)));
  /* only self tail calls (they become a loop) */
  IrFunc *tail = ir_func_new(A, m, "tail", 1, false);
  tail->body = ir_if(A, bin(IB_IEQ, var(0), num(0)), num(0), call1(tail, bin(IB_ISUB, var(0), num(1))));
  /* a big body */
  IrFunc *big = ir_func_new(A, m, "big", 1, false);
  IrNode *sum = var(0);
  for (int i = 0; i < 40; i++)
    sum = bin(IB_IADD, sum, num(i));
  big->body = ir_if(A, bin(IB_ILT, var(0), num(1)), sum, call1(big, bin(IB_ISUB, var(0), num(1))));
  big->body->kids[2] = bin(IB_IADD, num(0), big->body->kids[2]);
  /* calls of another function only (mutual recursion is not unrolled) */
  IrFunc *even = ir_func_new(A, m, "even", 1, false);
  IrFunc *odd = ir_func_new(A, m, "odd", 1, false);
  even->body = ir_if(A, bin(IB_IEQ, var(0), num(0)), num(1),
                     bin(IB_IADD, num(0), call1(odd, bin(IB_ISUB, var(0), num(1)))));
  odd->body = ir_if(A, bin(IB_IEQ, var(0), num(0)), num(0),
                    bin(IB_IADD, num(0), call1(even, bin(IB_ISUB, var(0), num(1)))));
  ir_pass_self_tail_calls(A, m);
  int before[6];
  for (int i = 0; i < m->funcs.len; i++)
    before[i] = m->funcs.items[i]->nslots;
  IrNode *bodies[6];
  for (int i = 0; i < m->funcs.len; i++)
    bodies[i] = m->funcs.items[i]->body;
  ir_pass_unroll_recursion(A, m);
  for (int i = 0; i < m->funcs.len; i++) {
    IrFunc *f = m->funcs.items[i];
    CHECK(f->nslots == before[i] && f->body == bodies[i], "%s was unrolled", f->name);
  }
  int64_t three = 3;
  CHECK(call_fn(tail, &three) == 0);
  CHECK(call_fn(even, &three) == 0 && call_fn(odd, &three) == 1);
}

static void test_unroll_is_bounded(void) {
  /* Three self calls per body: levels stop when the next one would exceed the budget. */
  IrModule *m = ARENA_NEW(A, IrModule);
  IrFunc *t = ir_func_new(A, m, "trib", 1, false);
  IrNode *s = bin(IB_IADD, call1(t, bin(IB_ISUB, var(0), num(1))),
                  bin(IB_IADD, call1(t, bin(IB_ISUB, var(0), num(2))),
                      call1(t, bin(IB_ISUB, var(0), num(3)))));
  t->body = ir_if(A, bin(IB_ILT, var(0), num(3)), num(1), s);
  IrModule *ref = ARENA_NEW(A, IrModule);
  IrFunc *r = ir_func_new(A, ref, "trib", 1, false);
  IrNode *rs = bin(IB_IADD, call1(r, bin(IB_ISUB, var(0), num(1))),
                   bin(IB_IADD, call1(r, bin(IB_ISUB, var(0), num(2))),
                       call1(r, bin(IB_ISUB, var(0), num(3)))));
  r->body = ir_if(A, bin(IB_ILT, var(0), num(3)), num(1), rs);
  ir_pass_self_tail_calls(A, m);
  ir_pass_unroll_recursion(A, m);
  int nodes = 0, self_calls = 0, bad = 0;
  count_nodes(t->body, t, &nodes, &self_calls, &bad, 0);
  CHECK(nodes <= 640, "unrolled trib has %d nodes", nodes);
  CHECK(self_calls == 27, "trib: %d self calls (2 whole levels: 3^3)", self_calls);
  for (int64_t n = 0; n <= 16; n++)
    CHECK(call_fn(t, &n) == call_fn(r, &n), "trib(%lld)", (long long)n);
}

int main(void) {
  test_fib_same_values_fewer_calls();
  test_mixed_tail_and_non_tail();
  test_locals_renamed_in_copies();
  test_not_unrolled();
  test_unroll_is_bounded();
  return unit_summary();
}
