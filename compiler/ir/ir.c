/* ir.c — construction and printing of the IR (see ir.h). */
#include "ir.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "../codegen/rt_decls.h"

IrFunc *ir_func_new(Arena *a, IrModule *m, const char *name, int nparams, bool has_env) {
  IrFunc *f = ARENA_NEW(a, IrFunc);
  f->name = name;
  f->nparams = nparams;
  f->has_env = has_env;
  for (int i = 0; i < nparams; i++)
    ir_new_slot(a, f, NULL);
  if (m) VEC_PUSH(a, m->funcs, f);
  return f;
}

int ir_new_slot(Arena *a, IrFunc *f, const char *name) {
  /* slot_names grows by doubling; capacity is the next power of two. */
  int n = f->nslots;
  if ((n & (n - 1)) == 0) {
    const char **names = ARENA_ARRAY(a, const char *, n ? 2 * n : 1);
    if (n) memcpy(names, f->slot_names, sizeof(*names) * (size_t)n);
    f->slot_names = names;
  }
  f->slot_names[n] = name;
  return f->nslots++;
}

IrNode *ir_node(Arena *a, IrOp op, int line) {
  IrNode *n = ARENA_NEW(a, IrNode);
  n->op = op;
  n->line = line;
  return n;
}

void ir_add_kid(Arena *a, IrNode *n, IrNode *kid) {
  int k = n->nkids;
  if ((k & (k - 1)) == 0) {
    IrNode **kids = ARENA_ARRAY(a, IrNode *, k ? 2 * k : 1);
    if (k) memcpy(kids, n->kids, sizeof(*kids) * (size_t)k);
    n->kids = kids;
  }
  n->kids[n->nkids++] = kid;
}

IrNode *ir_int(Arena *a, int64_t v) {
  IrNode *n = ir_node(a, IR_INT, 0);
  n->ival = v;
  return n;
}

IrNode *ir_float(Arena *a, double v) {
  IrNode *n = ir_node(a, IR_FLOAT, 0);
  n->fval = v;
  return n;
}

IrNode *ir_string(Arena *a, const char *s, uint32_t len) {
  IrNode *n = ir_node(a, IR_STRING, 0);
  n->str = s;
  n->len = len;
  return n;
}

IrNode *ir_unit(Arena *a) {
  return ir_int(a, 0);
}

IrNode *ir_var(Arena *a, int slot) {
  IrNode *n = ir_node(a, IR_VAR, 0);
  n->slot = slot;
  return n;
}

IrNode *ir_set(Arena *a, int slot, IrNode *value) {
  IrNode *n = ir_node(a, IR_SET, 0);
  n->slot = slot;
  ir_add_kid(a, n, value);
  return n;
}

IrNode *ir_seq(Arena *a) {
  return ir_node(a, IR_SEQ, 0);
}

IrNode *ir_if(Arena *a, IrNode *cond, IrNode *then_, IrNode *else_) {
  IrNode *n = ir_node(a, IR_IF, 0);
  ir_add_kid(a, n, cond);
  ir_add_kid(a, n, then_);
  ir_add_kid(a, n, else_ ? else_ : ir_unit(a));
  return n;
}

IrNode *ir_bin(Arena *a, IrBinOp op, IrNode *l, IrNode *r, int line) {
  IrNode *n = ir_node(a, IR_BIN, line);
  n->ival = op;
  ir_add_kid(a, n, l);
  ir_add_kid(a, n, r);
  return n;
}

IrNode *ir_un(Arena *a, IrUnOp op, IrNode *x) {
  IrNode *n = ir_node(a, IR_UN, 0);
  n->ival = op;
  ir_add_kid(a, n, x);
  return n;
}

IrNode *ir_call(Arena *a, IrFunc *fn, IrNode **args, int nargs) {
  IrNode *n = ir_node(a, IR_CALL, 0);
  n->fn = fn;
  for (int i = 0; i < nargs; i++)
    ir_add_kid(a, n, args[i]);
  return n;
}

IrNode *ir_call_rt(Arena *a, int rt, int nargs, ...) {
  IrNode *n = ir_node(a, IR_CALL_RT, 0);
  n->rt = rt;
  va_list ap;
  va_start(ap, nargs);
  for (int i = 0; i < nargs; i++)
    ir_add_kid(a, n, va_arg(ap, IrNode *));
  va_end(ap);
  return n;
}

IrNode *ir_field(Arena *a, IrNode *obj, int index) {
  IrNode *n = ir_node(a, IR_FIELD, 0);
  n->ival = index;
  ir_add_kid(a, n, obj);
  return n;
}

IrNode *ir_tag(Arena *a, IrNode *v) {
  IrNode *n = ir_node(a, IR_TAG, 0);
  ir_add_kid(a, n, v);
  return n;
}

IrNode *ir_record1(Arena *a, int tag, bool ptr, IrNode *x) {
  IrNode *r = ir_node(a, IR_RECORD, 0);
  r->ival = tag;
  r->ptrmap = ptr ? 1 : 0;
  ir_add_kid(a, r, x);
  return r;
}

IrNode *ir_is_err(Arena *a, int slot) {
  IrNode *tag = ir_tag(a, ir_var(a, slot));
  tag->ival = IR_TAG_BOXED; /* Ok and Err both carry a field */
  return ir_bin(a, IB_IEQ, tag, ir_int(a, 1), 0);
}

IrNode *ir_return(Arena *a, IrNode *v) {
  IrNode *n = ir_node(a, IR_RETURN, 0);
  ir_add_kid(a, n, v);
  return n;
}

/* ---------------------------------------------------------------- printing */

static const char *const binop_names[] = {
    [IB_IADD] = "iadd", [IB_ISUB] = "isub", [IB_IMUL] = "imul", [IB_IDIV] = "idiv",
    [IB_IMOD] = "imod", [IB_IEQ] = "ieq",   [IB_INE] = "ine",   [IB_ILT] = "ilt",
    [IB_ILE] = "ile",   [IB_IGT] = "igt",   [IB_IGE] = "ige",   [IB_FADD] = "fadd",
    [IB_FSUB] = "fsub", [IB_FMUL] = "fmul", [IB_FDIV] = "fdiv", [IB_FMOD] = "fmod",
    [IB_FEQ] = "feq",   [IB_FNE] = "fne",   [IB_FLT] = "flt",   [IB_FLE] = "fle",
    [IB_FGT] = "fgt",   [IB_FGE] = "fge",
};

const char *ir_binop_name(IrBinOp op) {
  return binop_names[op];
}

static void print_slot(FILE *out, const IrFunc *f, int slot) {
  const char *name = slot < f->nslots ? f->slot_names[slot] : NULL;
  if (name)
    fprintf(out, "%%%d:%s", slot, name);
  else
    fprintf(out, "%%%d", slot);
}

static void print_node(FILE *out, const IrFunc *f, const IrNode *n, int depth);

static void print_kids(FILE *out, const IrFunc *f, const IrNode *n, int from, int depth) {
  for (int i = from; i < n->nkids; i++) {
    fprintf(out, "\n%*s", 2 * (depth + 1), "");
    print_node(out, f, n->kids[i], depth + 1);
  }
}

static void print_string_literal(FILE *out, const char *s, uint32_t len) {
  fputc('"', out);
  for (uint32_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      fprintf(out, "\\%c", c);
    else if (c == '\n')
      fputs("\\n", out);
    else if (c < 0x20 || c == 0x7f)
      fprintf(out, "\\x%02x", c);
    else
      fputc(c, out);
  }
  fputc('"', out);
}

static void print_node(FILE *out, const IrFunc *f, const IrNode *n, int depth) {
  switch (n->op) {
  case IR_INT:
    fprintf(out, "%" PRId64, n->ival);
    return;
  case IR_FLOAT:
    fprintf(out, "%.17g", n->fval);
    return;
  case IR_STRING:
    print_string_literal(out, n->str, n->len);
    return;
  case IR_VAR:
    print_slot(out, f, n->slot);
    return;
  case IR_ENV:
    fputs("env", out);
    return;
  case IR_CONTINUE:
    if (n->ival) fprintf(out, "(continue %lld)", (long long)n->ival);
    else fputs("(continue)", out);
    return;
  case IR_BREAK:
    fputs("(break)", out);
    return;
  case IR_FUNC_ADDR:
    fprintf(out, "(addr @%s)", n->fn->name);
    return;
  case IR_PANIC_NO_MATCH:
    fprintf(out, "(panic-no-match line %d)", n->line);
    return;
  case IR_SET:
    fputs("(set ", out);
    print_slot(out, f, n->slot);
    break;
  case IR_SEQ:
    fputs("(seq", out);
    break;
  case IR_IF:
    fputs("(if", out);
    break;
  case IR_SWITCH:
    fputs("(switch", out);
    print_kids(out, f, &(IrNode){.nkids = 1, .kids = n->kids}, 0, depth);
    for (int i = 0; i < n->ncases; i++) {
      fprintf(out, "\n%*scase %" PRId64 ":", 2 * (depth + 1), "", n->cases[i]);
      fprintf(out, "\n%*s", 2 * (depth + 2), "");
      print_node(out, f, n->kids[1 + i], depth + 2);
    }
    fprintf(out, "\n%*sdefault:\n%*s", 2 * (depth + 1), "", 2 * (depth + 2), "");
    print_node(out, f, n->kids[1 + n->ncases], depth + 2);
    fputc(')', out);
    return;
  case IR_LOOP:
    fputs("(loop", out);
    break;
  case IR_RETURN:
    fputs("(return", out);
    break;
  case IR_BIN:
    fprintf(out, "(%s", binop_names[n->ival]);
    break;
  case IR_UN:
    fprintf(out, "(%s", (const char *[]){"ineg", "fneg", "not", "itof", "ftoi"}[n->ival]);
    break;
  case IR_CALL:
    fprintf(out, "(call%s @%s", n->self_tail ? "-self-tail" : "", n->fn->name);
    break;
  case IR_CALL_CLOSURE:
    fputs("(call-closure", out);
    break;
  case IR_CALL_RT:
    fprintf(out, "(rt %s", rt_decls[n->rt].symbol);
    break;
  case IR_RECORD:
    fprintf(out, "(record tag=%" PRId64 " ptrmap=0x%" PRIx64, n->ival, n->ptrmap);
    break;
  case IR_CLOSURE:
    fprintf(out, "(closure @%s ptrmap=0x%" PRIx64, n->fn->name, n->ptrmap);
    break;
  case IR_FIELD:
    fprintf(out, "(field %" PRId64, n->ival);
    break;
  case IR_STORE_FIELD:
    fprintf(out, "(store-field %" PRId64, n->ival);
    break;
  case IR_TAG:
    fputs(n->ival == IR_TAG_IMMEDIATE ? "(tag-imm"
          : n->ival == IR_TAG_BOXED   ? "(tag-boxed"
                                      : "(tag",
          out);
    break;
  case IR_LIST:
    fprintf(out, "(list%s", n->ival ? " ptrs" : "");
    break;
  case IR_CONCAT:
    fputs("(concat", out);
    break;
  }
  /* Short operand lists of leaves stay on one line. */
  bool flat = true;
  for (int i = 0; i < n->nkids; i++) {
    IrOp k = n->kids[i]->op;
    if (k != IR_INT && k != IR_FLOAT && k != IR_VAR && k != IR_ENV && k != IR_STRING) flat = false;
  }
  if (flat && n->nkids <= 4) {
    for (int i = 0; i < n->nkids; i++) {
      fputc(' ', out);
      print_node(out, f, n->kids[i], depth);
    }
  } else {
    print_kids(out, f, n, 0, depth);
  }
  fputc(')', out);
}

void ir_print(FILE *out, const IrModule *m) {
  for (int i = 0; i < m->funcs.len; i++) {
    const IrFunc *f = m->funcs.items[i];
    fprintf(out, "fn @%s(", f->name);
    if (f->has_env) fputs(f->nparams ? "env, " : "env", out);
    for (int p = 0; p < f->nparams; p++) {
      if (p) fputs(", ", out);
      print_slot(out, f, p);
    }
    fprintf(out, ") slots=%d%s", f->nslots, f == m->main_fn ? " main" : "");
    if (f->sig) fprintf(out, "  ; %s", f->sig);
    fputs("\n  ", out);
    if (f->body) print_node(out, f, f->body, 1);
    fputs("\n\n", out);
  }
}
