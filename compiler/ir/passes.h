/* passes.h — IR-to-IR passes run after lowering.
 *
 * Contract: each pass rewrites the IrModule in place and keeps it valid. */
#ifndef SNOW_IR_PASSES_H
#define SNOW_IR_PASSES_H

#include "ir.h"

/* Self tail calls become loops (language.md §6.16): every direct call of a
 * function to itself in tail position (the function body's result, a branch
 * of a tail IR_IF/IR_SWITCH, the last node of a tail IR_SEQ, the operand of
 * IR_RETURN) evaluates all arguments into fresh slots, then rebinds the
 * parameter slots and jumps back to the start of the body, so `f(b, a, n-1)`
 * swaps correctly and the recursion runs in constant stack at any
 * optimisation level. */
void ir_pass_self_tail_calls(Arena *a, IrModule *m);

/* Recursion unrolling (opt_unroll.c; run at --opt-level >= 1, after the
 * tail-call pass): a small self-recursive function gets copies of its own
 * body inlined at its non-tail self-call sites, a few levels deep within a
 * size budget, so that fewer real calls do the same work (like gcc's
 * recursive inlining). Semantics, evaluation order and panic lines are
 * unchanged; no call is merged or removed except by being inlined. */
void ir_pass_unroll_recursion(Arena *a, IrModule *m);

#endif
