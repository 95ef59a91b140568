/* llvm_emit.c — IR to LLVM IR (see llvm_emit.h).
 *
 * Every IR value is an i64. Runtime calls convert words to the parameter
 * types of rt_decls.h (inttoptr, bitcast to double, trunc to i32) and back.
 * Control flow needs no phis: the value of an IR_IF/IR_SWITCH goes through a
 * result alloca, which mem2reg removes when optimising. */
#include "llvm_emit.h"

#include <llvm-c/TargetMachine.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_decls.h"

enum {
  OBJ_HEADER_BYTES = 16,
  GC_STATIC = 0x80,
  KIND_STRING = 1,
  KIND_RECORD = 2,
  IMMEDIATE_LIMIT = 4096,
  SMALL_OBJECT_MAX = 8192 /* SNOW_SMALL_MAX of snow_heap.h: larger ones are large objects */
};

typedef struct LoopTarget {
  LLVMBasicBlockRef head;
  LLVMBasicBlockRef exit; /* created by the first IR_BREAK (NULL before) */
  LLVMBasicBlockRef *breaks; /* blocks that branch to `exit` (value 0), malloc'd */
  int nbreaks, capbreaks;
} LoopTarget;

typedef struct Emitter {
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  LLVMBuilderRef alloca_b; /* positioned in the entry block of the current function */
  LLVMTypeRef i64, i32, i16, i8, i1, f64, ptr, void_t;
  LLVMValueRef rt_fn[RT__COUNT];
  LLVMTypeRef rt_ty[RT__COUNT];
  const IrFunc *fn;
  LLVMValueRef llfn;
  bool reductions; /* emit reduction points (concurrency.md §8) */
  bool x86_64;     /* ... as an inline %fs-relative decrement (x86-64 Linux) */
  LLVMValueRef *slots;
  LLVMValueRef env;
  LLVMValueRef file_str; /* C string of fn->file */
  LoopTarget *loops;     /* enclosing IR_LOOPs, innermost last */
  int nloops, caploops;
  /* string constants, deduplicated by content */
  struct StrConst {
    const char *s;
    uint32_t len;
    LLVMValueRef g;
  } * strs;
  int nstrs, capstrs;
  struct FileConst {
    const char *path;
    LLVMValueRef g;
  } * files;
  int nfiles, capfiles;
  struct ClosConst {
    const IrFunc *fn;
    LLVMValueRef g;
  } * clos;
  int nclos, capclos;
} Emitter;

/* ---------------------------------------------------------------- types */

static LLVMTypeRef letter_type(Emitter *e, char c) {
  switch (c) {
  case 'w':
    return e->i64;
  case 'p':
    return e->ptr;
  case 'd':
    return e->f64;
  case 'i':
    return e->i32;
  default:
    return e->void_t;
  }
}

static LLVMAttributeRef enum_attr(Emitter *e, const char *name) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  return LLVMCreateEnumAttribute(e->ctx, kind, 0);
}

static LLVMValueRef runtime_fn(Emitter *e, int id, LLVMTypeRef *ty_out) {
  if (!e->rt_fn[id]) {
    const char *sig = rt_decls[id].signature;
    bool noreturn = sig[0] == '!';
    if (noreturn) sig++;
    LLVMTypeRef ret = letter_type(e, sig[0]);
    LLVMTypeRef params[8];
    int n = 0;
    for (const char *s = sig + 2; *s; s++)
      params[n++] = letter_type(e, *s);
    LLVMTypeRef ft = LLVMFunctionType(ret, params, (unsigned)n, 0);
    LLVMValueRef f = LLVMGetNamedFunction(e->mod, rt_decls[id].symbol);
    if (!f) f = LLVMAddFunction(e->mod, rt_decls[id].symbol, ft);
    if (noreturn) LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, enum_attr(e, "noreturn"));
    e->rt_fn[id] = f;
    e->rt_ty[id] = ft;
  }
  *ty_out = e->rt_ty[id];
  return e->rt_fn[id];
}

static LLVMTypeRef snow_fn_type(Emitter *e, const IrFunc *f) {
  int n = f->nparams + (f->has_env ? 1 : 0);
  LLVMTypeRef *params = calloc((size_t)(n ? n : 1), sizeof *params);
  int k = 0;
  if (f->has_env) params[k++] = e->ptr;
  for (int i = 0; i < f->nparams; i++)
    params[k++] = e->i64;
  LLVMTypeRef t = LLVMFunctionType(e->i64, params, (unsigned)n, 0);
  free(params);
  return t;
}

/* ---------------------------------------------------------------- constants */

/* A static STRING object: header, u64 length, bytes, NUL, padded to 8. */
static LLVMValueRef string_object(Emitter *e, const char *s, uint32_t len) {
  for (int i = 0; i < e->nstrs; i++)
    if (e->strs[i].len == len && memcmp(e->strs[i].s, s, len) == 0) return e->strs[i].g;
  uint32_t bytes = (len + 1 + 7) & ~7u;
  LLVMTypeRef arr_t = LLVMArrayType(e->i8, bytes);
  LLVMTypeRef fields_t[] = {e->i32, e->i8, e->i8, e->i16, e->i64, e->i64, arr_t};
  LLVMTypeRef obj_t = LLVMStructTypeInContext(e->ctx, fields_t, 7, 0);
  char *data = calloc(bytes, 1);
  memcpy(data, s, len);
  LLVMValueRef vals[] = {
      LLVMConstInt(e->i32, 8 + len + 1, 0),
      LLVMConstInt(e->i8, KIND_STRING, 0),
      LLVMConstInt(e->i8, GC_STATIC, 0),
      LLVMConstInt(e->i16, 0, 0),
      LLVMConstInt(e->i64, 0, 0),
      LLVMConstInt(e->i64, len, 0),
      LLVMConstStringInContext(e->ctx, data, bytes, 1),
  };
  free(data);
  LLVMValueRef g = LLVMAddGlobal(e->mod, obj_t, "str");
  LLVMSetInitializer(g, LLVMConstStructInContext(e->ctx, vals, 7, 0));
  LLVMSetGlobalConstant(g, 1);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  LLVMSetAlignment(g, 16);
  if (e->nstrs == e->capstrs) {
    e->capstrs = e->capstrs ? 2 * e->capstrs : 16;
    e->strs = realloc(e->strs, sizeof(*e->strs) * (size_t)e->capstrs);
  }
  e->strs[e->nstrs++] = (struct StrConst){s, len, g};
  return g;
}

/* A closure without captures needs no allocation: a static RECORD holding
 * only the code pointer (one per code function). */
static LLVMValueRef static_closure(Emitter *e, const IrFunc *code) {
  for (int i = 0; i < e->nclos; i++)
    if (e->clos[i].fn == code) return e->clos[i].g;
  LLVMTypeRef fields_t[] = {e->i32, e->i8, e->i8, e->i16, e->i64, e->ptr};
  LLVMTypeRef obj_t = LLVMStructTypeInContext(e->ctx, fields_t, 6, 0);
  LLVMValueRef vals[] = {
      LLVMConstInt(e->i32, 8, 0),        LLVMConstInt(e->i8, KIND_RECORD, 0),
      LLVMConstInt(e->i8, GC_STATIC, 0), LLVMConstInt(e->i16, 0, 0),
      LLVMConstInt(e->i64, 0, 0),        (LLVMValueRef)code->backend,
  };
  LLVMValueRef g = LLVMAddGlobal(e->mod, obj_t, "closure");
  LLVMSetInitializer(g, LLVMConstStructInContext(e->ctx, vals, 6, 0));
  LLVMSetGlobalConstant(g, 1);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetAlignment(g, 16);
  if (e->nclos == e->capclos) {
    e->capclos = e->capclos ? 2 * e->capclos : 16;
    e->clos = realloc(e->clos, sizeof(*e->clos) * (size_t)e->capclos);
  }
  e->clos[e->nclos++] = (struct ClosConst){code, g};
  return g;
}

static LLVMValueRef c_string(Emitter *e, const char *path) {
  if (!path) return LLVMConstNull(e->ptr);
  for (int i = 0; i < e->nfiles; i++)
    if (strcmp(e->files[i].path, path) == 0) return e->files[i].g;
  size_t n = strlen(path);
  LLVMValueRef init = LLVMConstStringInContext(e->ctx, path, (unsigned)n, 0);
  LLVMValueRef g = LLVMAddGlobal(e->mod, LLVMTypeOf(init), "file");
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, 1);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  if (e->nfiles == e->capfiles) {
    e->capfiles = e->capfiles ? 2 * e->capfiles : 4;
    e->files = realloc(e->files, sizeof(*e->files) * (size_t)e->capfiles);
  }
  e->files[e->nfiles++] = (struct FileConst){path, g};
  return g;
}

/* ---------------------------------------------------------------- helpers */

static LLVMValueRef entry_alloca(Emitter *e, LLVMTypeRef t, const char *name) {
  return LLVMBuildAlloca(e->alloca_b, t, name);
}

static LLVMValueRef word_to_ptr(Emitter *e, LLVMValueRef w) {
  return LLVMBuildIntToPtr(e->b, w, e->ptr, "");
}
static LLVMValueRef ptr_to_word(Emitter *e, LLVMValueRef p) {
  return LLVMBuildPtrToInt(e->b, p, e->i64, "");
}
static LLVMValueRef word_to_f64(Emitter *e, LLVMValueRef w) {
  return LLVMBuildBitCast(e->b, w, e->f64, "");
}
static LLVMValueRef f64_to_word(Emitter *e, LLVMValueRef d) {
  return LLVMBuildBitCast(e->b, d, e->i64, "");
}
static LLVMValueRef bool_to_word(Emitter *e, LLVMValueRef i1) {
  return LLVMBuildZExt(e->b, i1, e->i64, "");
}

static bool block_terminated(Emitter *e) {
  return LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(e->b)) != NULL;
}

/* After a terminator, code that follows is unreachable: give it a block. */
static void start_dead_block(Emitter *e) {
  LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "dead");
  LLVMPositionBuilderAtEnd(e->b, bb);
}

static LLVMValueRef call_rt(Emitter *e, int id, LLVMValueRef *words, int n, int line) {
  LLVMTypeRef ft;
  LLVMValueRef f = runtime_fn(e, id, &ft);
  const char *sig = rt_decls[id].signature;
  bool noreturn = sig[0] == '!';
  if (noreturn) sig++;
  LLVMValueRef args[8];
  for (int i = 0; i < n; i++) {
    switch (sig[2 + i]) {
    case 'p':
      args[i] = word_to_ptr(e, words[i]);
      break;
    case 'd':
      args[i] = word_to_f64(e, words[i]);
      break;
    case 'i':
      args[i] = LLVMBuildTrunc(e->b, words[i], e->i32, "");
      break;
    default:
      args[i] = words[i];
      break;
    }
  }
  (void)line;
  LLVMValueRef r = LLVMBuildCall2(e->b, ft, f, args, (unsigned)n, "");
  if (noreturn) {
    LLVMBuildUnreachable(e->b);
    start_dead_block(e);
    return LLVMConstInt(e->i64, 0, 0);
  }
  switch (sig[0]) {
  case 'p':
    return ptr_to_word(e, r);
  case 'd':
    return f64_to_word(e, r);
  case 'i':
    return LLVMBuildSExt(e->b, r, e->i64, "");
  case 'v':
    return LLVMConstInt(e->i64, 0, 0);
  default:
    return r;
  }
}

static LLVMValueRef line_const(Emitter *e, int line) {
  return LLVMConstInt(e->i64, (uint64_t)line, 1);
}

/* A reduction point (concurrency.md §8), emitted at every function entry
 * and loop back-edge: decrement the thread's budget `snow_reductions` and
 * yield through snow_reduce_slow() once it drops below zero. A process may
 * resume on another thread after any call, so the TLS address must be
 * recomputed at each point: on x86-64 the decrement is one %fs-relative
 * instruction and a sign jump (local-exec TLS: the runtime is linked
 * statically into the executable), elsewhere the out-of-line
 * snow_reduce() does it. */
static void emit_reduction_point(Emitter *e) {
  if (!e->reductions) return;
  if (!e->x86_64) {
    call_rt(e, RT_REDUCE, NULL, 0, 0);
    return;
  }
  /* asm goto: `subq $1, %fs:snow_reductions@tpoff; js slow` */
  static const char code[] = "subq $$1, %fs:snow_reductions@tpoff\n\tjs ${0:l}";
  static const char constraints[] = "!i,~{cc}";
  LLVMTypeRef fty = LLVMFunctionType(e->void_t, NULL, 0, 0);
  LLVMValueRef asmv = LLVMGetInlineAsm(fty, (char *)code, sizeof code - 1, (char *)constraints,
                                       sizeof constraints - 1, 1, 0, LLVMInlineAsmDialectATT, 0);
  LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "reduce");
  LLVMBasicBlockRef cont = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "reduced");
  LLVMBuildCallBr(e->b, fty, asmv, cont, &slow, 1, NULL, 0, NULL, 0, "");
  LLVMPositionBuilderAtEnd(e->b, slow);
  call_rt(e, RT_REDUCE_SLOW, NULL, 0, 0);
  LLVMBuildBr(e->b, cont);
  LLVMPositionBuilderAtEnd(e->b, cont);
}

/* Pointer to payload word `index` of the object `obj` (a word). */
static LLVMValueRef payload_ptr(Emitter *e, LLVMValueRef obj, int64_t index) {
  LLVMValueRef p = word_to_ptr(e, obj);
  LLVMValueRef off = LLVMConstInt(e->i64, (uint64_t)(OBJ_HEADER_BYTES + 8 * index), 0);
  return LLVMBuildGEP2(e->b, e->i8, p, &off, 1, "");
}

/* Stores the words into a fresh entry-block array and returns its address. */
static LLVMValueRef word_array(Emitter *e, LLVMValueRef *words, int n) {
  if (n == 0) return LLVMConstNull(e->ptr);
  LLVMTypeRef at = LLVMArrayType(e->i64, (unsigned)n);
  LLVMValueRef arr = entry_alloca(e, at, "arr");
  for (int i = 0; i < n; i++) {
    LLVMValueRef idx[] = {LLVMConstInt(e->i32, 0, 0), LLVMConstInt(e->i32, (uint64_t)i, 0)};
    LLVMBuildStore(e->b, words[i], LLVMBuildGEP2(e->b, at, arr, idx, 2, ""));
  }
  return arr;
}

/* ---------------------------------------------------------------- nodes */

static LLVMValueRef emit(Emitter *e, const IrNode *n);

static LLVMValueRef *emit_kids(Emitter *e, const IrNode *n, int from) {
  int k = n->nkids - from;
  LLVMValueRef *vals = calloc((size_t)(k > 0 ? k : 1), sizeof *vals);
  for (int i = 0; i < k; i++)
    vals[i] = emit(e, n->kids[from + i]);
  return vals;
}

static LLVMValueRef emit_int_div(Emitter *e, const IrNode *n, LLVMValueRef l, LLVMValueRef r) {
  /* b == 0 panics; b == -1 is computed as 0 - a (wrapping) and a % 1 = 0. */
  LLVMBasicBlockRef zero_bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "divzero");
  LLVMBasicBlockRef ok_bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "divok");
  LLVMValueRef is_zero = LLVMBuildICmp(e->b, LLVMIntEQ, r, LLVMConstInt(e->i64, 0, 0), "");
  LLVMBuildCondBr(e->b, is_zero, zero_bb, ok_bb);
  LLVMPositionBuilderAtEnd(e->b, zero_bb);
  LLVMValueRef args[] = {ptr_to_word(e, e->file_str), line_const(e, n->line)};
  call_rt(e, RT_PANIC_DIV_ZERO, args, 2, n->line);
  LLVMBuildUnreachable(e->b); /* the dead block call_rt opened */
  LLVMPositionBuilderAtEnd(e->b, ok_bb);
  LLVMValueRef minus_one = LLVMConstInt(e->i64, (uint64_t)-1, 1);
  LLVMValueRef is_m1 = LLVMBuildICmp(e->b, LLVMIntEQ, r, minus_one, "");
  LLVMValueRef safe = LLVMBuildSelect(e->b, is_m1, LLVMConstInt(e->i64, 1, 0), r, "");
  if (n->ival == IB_IMOD) return LLVMBuildSRem(e->b, l, safe, "");
  LLVMValueRef q = LLVMBuildSDiv(e->b, l, safe, "");
  LLVMValueRef neg = LLVMBuildSub(e->b, LLVMConstInt(e->i64, 0, 0), l, "");
  return LLVMBuildSelect(e->b, is_m1, neg, q, "");
}

static LLVMValueRef emit_bin(Emitter *e, const IrNode *n) {
  LLVMValueRef l = emit(e, n->kids[0]);
  LLVMValueRef r = emit(e, n->kids[1]);
  switch ((IrBinOp)n->ival) {
  case IB_IADD:
    return LLVMBuildAdd(e->b, l, r, "");
  case IB_ISUB:
    return LLVMBuildSub(e->b, l, r, "");
  case IB_IMUL:
    return LLVMBuildMul(e->b, l, r, "");
  case IB_IDIV:
  case IB_IMOD:
    return emit_int_div(e, n, l, r);
  case IB_IEQ:
    return bool_to_word(e, LLVMBuildICmp(e->b, LLVMIntEQ, l, r, ""));
  case IB_INE:
    return bool_to_word(e, LLVMBuildICmp(e->b, LLVMIntNE, l, r, ""));
  case IB_ILT:
    return bool_to_word(e, LLVMBuildICmp(e->b, LLVMIntSLT, l, r, ""));
  case IB_ILE:
    return bool_to_word(e, LLVMBuildICmp(e->b, LLVMIntSLE, l, r, ""));
  case IB_IGT:
    return bool_to_word(e, LLVMBuildICmp(e->b, LLVMIntSGT, l, r, ""));
  case IB_IGE:
    return bool_to_word(e, LLVMBuildICmp(e->b, LLVMIntSGE, l, r, ""));
  default:
    break;
  }
  LLVMValueRef a = word_to_f64(e, l), c = word_to_f64(e, r);
  switch ((IrBinOp)n->ival) {
  case IB_FADD:
    return f64_to_word(e, LLVMBuildFAdd(e->b, a, c, ""));
  case IB_FSUB:
    return f64_to_word(e, LLVMBuildFSub(e->b, a, c, ""));
  case IB_FMUL:
    return f64_to_word(e, LLVMBuildFMul(e->b, a, c, ""));
  case IB_FDIV:
    return f64_to_word(e, LLVMBuildFDiv(e->b, a, c, ""));
  case IB_FMOD:
    return f64_to_word(e, LLVMBuildFRem(e->b, a, c, ""));
  case IB_FEQ:
    return bool_to_word(e, LLVMBuildFCmp(e->b, LLVMRealOEQ, a, c, ""));
  case IB_FNE:
    return bool_to_word(e, LLVMBuildFCmp(e->b, LLVMRealUNE, a, c, ""));
  case IB_FLT:
    return bool_to_word(e, LLVMBuildFCmp(e->b, LLVMRealOLT, a, c, ""));
  case IB_FLE:
    return bool_to_word(e, LLVMBuildFCmp(e->b, LLVMRealOLE, a, c, ""));
  case IB_FGT:
    return bool_to_word(e, LLVMBuildFCmp(e->b, LLVMRealOGT, a, c, ""));
  case IB_FGE:
    return bool_to_word(e, LLVMBuildFCmp(e->b, LLVMRealOGE, a, c, ""));
  default:
    return LLVMConstInt(e->i64, 0, 0);
  }
}

static LLVMValueRef emit_if(Emitter *e, const IrNode *n) {
  LLVMValueRef cond = emit(e, n->kids[0]);
  LLVMValueRef result = entry_alloca(e, e->i64, "if");
  LLVMBasicBlockRef then_bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "then");
  LLVMBasicBlockRef else_bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "else");
  LLVMBasicBlockRef join_bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "endif");
  LLVMValueRef c = LLVMBuildICmp(e->b, LLVMIntNE, cond, LLVMConstInt(e->i64, 0, 0), "");
  LLVMBuildCondBr(e->b, c, then_bb, else_bb);
  for (int i = 1; i <= 2; i++) {
    LLVMPositionBuilderAtEnd(e->b, i == 1 ? then_bb : else_bb);
    LLVMValueRef v = emit(e, n->kids[i]);
    if (!block_terminated(e)) {
      LLVMBuildStore(e->b, v, result);
      LLVMBuildBr(e->b, join_bb);
    }
  }
  LLVMPositionBuilderAtEnd(e->b, join_bb);
  return LLVMBuildLoad2(e->b, e->i64, result, "");
}

static LLVMValueRef emit_switch(Emitter *e, const IrNode *n) {
  LLVMValueRef scrut = emit(e, n->kids[0]);
  LLVMValueRef result = entry_alloca(e, e->i64, "sw");
  LLVMBasicBlockRef join_bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "endsw");
  LLVMBasicBlockRef default_bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "default");
  LLVMValueRef sw = LLVMBuildSwitch(e->b, scrut, default_bb, (unsigned)n->ncases);
  for (int i = 0; i <= n->ncases; i++) {
    LLVMBasicBlockRef bb = default_bb;
    if (i < n->ncases) {
      bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "case");
      LLVMAddCase(sw, LLVMConstInt(e->i64, (uint64_t)n->cases[i], 1), bb);
    }
    LLVMPositionBuilderAtEnd(e->b, bb);
    LLVMValueRef v = emit(e, n->kids[1 + i]);
    if (!block_terminated(e)) {
      LLVMBuildStore(e->b, v, result);
      LLVMBuildBr(e->b, join_bb);
    }
  }
  LLVMPositionBuilderAtEnd(e->b, join_bb);
  return LLVMBuildLoad2(e->b, e->i64, result, "");
}

static LLVMValueRef emit_loop(Emitter *e, const IrNode *n) {
  LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "loop");
  LLVMBuildBr(e->b, head);
  LLVMPositionBuilderAtEnd(e->b, head);
  if (e->nloops == e->caploops) {
    e->caploops = e->caploops ? 2 * e->caploops : 4;
    e->loops = realloc(e->loops, sizeof(*e->loops) * (size_t)e->caploops);
  }
  e->loops[e->nloops++] = (LoopTarget){.head = head};
  LLVMValueRef v = emit(e, n->kids[0]);
  LoopTarget done = e->loops[--e->nloops];
  if (!done.exit) return v;
  /* left by IR_BREAK: the loop's value is the body's on fallthrough, else 0 */
  LLVMBasicBlockRef from = LLVMGetInsertBlock(e->b);
  LLVMBuildBr(e->b, done.exit);
  LLVMPositionBuilderAtEnd(e->b, done.exit);
  LLVMValueRef phi = LLVMBuildPhi(e->b, e->i64, "loopval");
  LLVMAddIncoming(phi, &v, &from, 1);
  LLVMValueRef zero = LLVMConstInt(e->i64, 0, 0);
  for (int i = 0; i < done.nbreaks; i++)
    LLVMAddIncoming(phi, &zero, &done.breaks[i], 1);
  free(done.breaks);
  return phi;
}

/* IR_BREAK: branch to the innermost loop's exit block. */
static void emit_break(Emitter *e) {
  if (e->nloops == 0) return;
  LoopTarget *t = &e->loops[e->nloops - 1];
  if (!t->exit) t->exit = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "loopexit");
  if (t->nbreaks == t->capbreaks) {
    t->capbreaks = t->capbreaks ? 2 * t->capbreaks : 4;
    t->breaks = realloc(t->breaks, sizeof(*t->breaks) * (size_t)t->capbreaks);
  }
  t->breaks[t->nbreaks++] = LLVMGetInsertBlock(e->b);
  LLVMBuildBr(e->b, t->exit);
  start_dead_block(e);
}

static LLVMValueRef emit_call(Emitter *e, const IrNode *n) {
  LLVMValueRef *args = emit_kids(e, n, 0);
  LLVMValueRef callee = (LLVMValueRef)n->fn->backend;
  LLVMValueRef r =
      LLVMBuildCall2(e->b, snow_fn_type(e, n->fn), callee, args, (unsigned)n->nkids, "");
  free(args);
  return r;
}

static LLVMValueRef emit_call_closure(Emitter *e, const IrNode *n) {
  LLVMValueRef clo = emit(e, n->kids[0]);
  int nargs = n->nkids - 1;
  LLVMValueRef *args = calloc((size_t)nargs + 1, sizeof *args);
  args[0] = word_to_ptr(e, clo);
  for (int i = 0; i < nargs; i++)
    args[1 + i] = emit(e, n->kids[1 + i]);
  LLVMValueRef code = LLVMBuildLoad2(e->b, e->ptr, payload_ptr(e, clo, 0), "code");
  LLVMTypeRef *pt = calloc((size_t)nargs + 1, sizeof *pt);
  pt[0] = e->ptr;
  for (int i = 0; i < nargs; i++)
    pt[1 + i] = e->i64;
  LLVMTypeRef ft = LLVMFunctionType(e->i64, pt, (unsigned)nargs + 1, 0);
  LLVMValueRef r = LLVMBuildCall2(e->b, ft, code, args, (unsigned)nargs + 1, "");
  free(args);
  free(pt);
  return r;
}

/* The current heap's allocation window. A call to the out-of-line runtime
 * accessor, never a direct TLS access: issue #4 may move a process to another
 * thread at any call, and LLVM would CSE a thread-local address across
 * calls. The accessor is declared `memory(inaccessiblemem: read)`: LLVM may
 * merge two calls with no call in between (stores to objects don't count),
 * but must call it again after every call with unknown effects, and every
 * point where the scheduler can switch processes is such a call. */
static LLVMValueRef current_heap_window(Emitter *e) {
  LLVMTypeRef ft;
  LLVMValueRef f = runtime_fn(e, RT_CURRENT_HEAP, &ft);
  if (LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex,
                                  LLVMGetEnumAttributeKindForName("willreturn", 10)) == NULL) {
    unsigned mem = LLVMGetEnumAttributeKindForName("memory", 6);
    LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(e->ctx, mem, 1u << 2)); /* inaccessiblemem: read */
    LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, enum_attr(e, "nounwind"));
    LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, enum_attr(e, "willreturn"));
    LLVMAddAttributeAtIndex(f, LLVMAttributeReturnIndex, enum_attr(e, "nonnull"));
    LLVMAddAttributeAtIndex(f, LLVMAttributeReturnIndex, enum_attr(e, "noundef"));
  }
  return LLVMBuildCall2(e->b, ft, f, NULL, 0, "heap");
}

/* A new RECORD with the allocation fast path of snow_heap.h inlined: bump
 * the window's `cur`, or call snow_alloc when the window is full (it may
 * collect; the field values are live in this frame, hence pinned). The
 * header is stored as snow_alloc stores it, the fields right after, with no
 * allocation in between (so neither zero-filling nor a write barrier is
 * needed). Returns the object pointer. */
static LLVMValueRef alloc_record_inline(Emitter *e, int tag, uint64_t ptrmap,
                                        LLVMValueRef *words, int nfields) {
  uint64_t payload = (uint64_t)nfields * 8;
  uint64_t fp = OBJ_HEADER_BYTES + (payload < 8 ? 8 : payload);
  LLVMValueRef w = current_heap_window(e);
  LLVMValueRef eight = LLVMConstInt(e->i64, 8, 0);
  LLVMValueRef limit_p = LLVMBuildGEP2(e->b, e->i8, w, &eight, 1, "");
  LLVMValueRef cur = LLVMBuildLoad2(e->b, e->ptr, w, "cur");
  LLVMValueRef limit = LLVMBuildLoad2(e->b, e->ptr, limit_p, "limit");
  LLVMValueRef room = LLVMBuildSub(e->b, ptr_to_word(e, limit), ptr_to_word(e, cur), "");
  LLVMValueRef fits =
      LLVMBuildICmp(e->b, LLVMIntULE, LLVMConstInt(e->i64, fp, 0), room, "fits");
  LLVMBasicBlockRef fast_bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "bump");
  LLVMBasicBlockRef slow_bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "allocslow");
  LLVMBasicBlockRef join_bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "allocated");
  LLVMBuildCondBr(e->b, fits, fast_bb, slow_bb);
  /* fast: bump and store the header (snow_alloc does the same itself) */
  LLVMPositionBuilderAtEnd(e->b, fast_bb);
  LLVMValueRef fpv = LLVMConstInt(e->i64, fp, 0);
  LLVMBuildStore(e->b, LLVMBuildGEP2(e->b, e->i8, cur, &fpv, 1, ""), w);
  uint64_t hdr = payload | ((uint64_t)KIND_RECORD << 32) | ((uint64_t)(uint16_t)tag << 48);
  LLVMBuildStore(e->b, LLVMConstInt(e->i64, hdr, 0), cur);
  LLVMBuildStore(e->b, LLVMConstInt(e->i64, ptrmap, 0), LLVMBuildGEP2(e->b, e->i8, cur, &eight, 1, ""));
  LLVMBuildBr(e->b, join_bb);
  /* slow: out of line (a cold call keeps the fast path free of spills) */
  LLVMPositionBuilderAtEnd(e->b, slow_bb);
  LLVMValueRef args[] = {LLVMConstInt(e->i64, payload, 0), LLVMConstInt(e->i64, KIND_RECORD, 0),
                         LLVMConstInt(e->i64, (uint64_t)(uint16_t)tag, 0),
                         LLVMConstInt(e->i64, ptrmap, 0)};
  LLVMValueRef slow = word_to_ptr(e, call_rt(e, RT_ALLOC, args, 4, 0));
  LLVMBuildBr(e->b, join_bb);
  LLVMPositionBuilderAtEnd(e->b, join_bb);
  LLVMValueRef obj = LLVMBuildPhi(e->b, e->ptr, "obj");
  LLVMValueRef in_vals[] = {cur, slow};
  LLVMBasicBlockRef in_bbs[] = {fast_bb, slow_bb};
  LLVMAddIncoming(obj, in_vals, in_bbs, 2);
  LLVMValueRef objw = ptr_to_word(e, obj);
  for (int i = 0; i < nfields; i++)
    LLVMBuildStore(e->b, words[i], payload_ptr(e, objw, i));
  /* a field-less record still has one payload word (the collector's
   * forwarding slot): keep it an immediate */
  if (nfields == 0) LLVMBuildStore(e->b, LLVMConstInt(e->i64, 0, 0), payload_ptr(e, objw, 0));
  return objw;
}

static LLVMValueRef emit_record(Emitter *e, const IrNode *n, LLVMValueRef first, int tag,
                                uint64_t ptrmap) {
  int nfields = n->nkids + (first ? 1 : 0);
  LLVMValueRef *words = calloc((size_t)nfields + 1, sizeof *words);
  int k = 0;
  if (first) words[k++] = first;
  for (int i = 0; i < n->nkids; i++)
    words[k++] = emit(e, n->kids[i]);
  LLVMValueRef r;
  if ((uint64_t)OBJ_HEADER_BYTES + (uint64_t)nfields * 8 <= SMALL_OBJECT_MAX) {
    r = alloc_record_inline(e, tag, ptrmap, words, nfields);
  } else { /* a large object (mapped separately): the runtime call is the cheap part */
    LLVMValueRef args[] = {LLVMConstInt(e->i64, (uint64_t)tag, 0), LLVMConstInt(e->i64, ptrmap, 0),
                           LLVMConstInt(e->i64, (uint64_t)nfields, 0),
                           ptr_to_word(e, word_array(e, words, nfields))};
    r = call_rt(e, RT_RECORD, args, 4, n->line);
  }
  free(words);
  return r;
}

static LLVMValueRef load_tag(Emitter *e, LLVMValueRef v) {
  LLVMValueRef off = LLVMConstInt(e->i64, 6, 0); /* SnowObj.tag */
  LLVMValueRef tp = LLVMBuildGEP2(e->b, e->i8, word_to_ptr(e, v), &off, 1, "");
  return LLVMBuildZExt(e->b, LLVMBuildLoad2(e->b, e->i16, tp, ""), e->i64, "");
}

static LLVMValueRef emit_tag(Emitter *e, const IrNode *n) {
  LLVMValueRef v = emit(e, n->kids[0]);
  if (n->ival == IR_TAG_IMMEDIATE) return v;
  if (n->ival == IR_TAG_BOXED) return load_tag(e, v);
  LLVMValueRef is_imm =
      LLVMBuildICmp(e->b, LLVMIntULT, v, LLVMConstInt(e->i64, IMMEDIATE_LIMIT, 0), "");
  LLVMValueRef result = entry_alloca(e, e->i64, "tag");
  LLVMBasicBlockRef obj_bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "tagobj");
  LLVMBasicBlockRef join_bb = LLVMAppendBasicBlockInContext(e->ctx, e->llfn, "tagdone");
  LLVMBuildStore(e->b, v, result);
  LLVMBuildCondBr(e->b, is_imm, join_bb, obj_bb);
  LLVMPositionBuilderAtEnd(e->b, obj_bb);
  LLVMBuildStore(e->b, load_tag(e, v), result);
  LLVMBuildBr(e->b, join_bb);
  LLVMPositionBuilderAtEnd(e->b, join_bb);
  return LLVMBuildLoad2(e->b, e->i64, result, "");
}

static LLVMValueRef emit(Emitter *e, const IrNode *n) {
  switch (n->op) {
  case IR_INT:
    return LLVMConstInt(e->i64, (uint64_t)n->ival, 1);
  case IR_FLOAT: {
    uint64_t bits;
    memcpy(&bits, &n->fval, sizeof bits);
    return LLVMConstInt(e->i64, bits, 0);
  }
  case IR_STRING:
    return ptr_to_word(e, string_object(e, n->str, n->len));
  case IR_VAR:
    return LLVMBuildLoad2(e->b, e->i64, e->slots[n->slot], "");
  case IR_ENV:
    return e->env ? ptr_to_word(e, e->env) : LLVMConstInt(e->i64, 0, 0);
  case IR_SET: {
    LLVMValueRef v = emit(e, n->kids[0]);
    LLVMBuildStore(e->b, v, e->slots[n->slot]);
    return LLVMConstInt(e->i64, 0, 0);
  }
  case IR_SEQ: {
    LLVMValueRef v = LLVMConstInt(e->i64, 0, 0);
    for (int i = 0; i < n->nkids; i++)
      v = emit(e, n->kids[i]);
    return v;
  }
  case IR_IF:
    return emit_if(e, n);
  case IR_SWITCH:
    return emit_switch(e, n);
  case IR_LOOP:
    return emit_loop(e, n);
  case IR_CONTINUE:
    if (n->ival >= 0 && n->ival < e->nloops) {
      emit_reduction_point(e);
      LLVMBuildBr(e->b, e->loops[e->nloops - 1 - n->ival].head);
      start_dead_block(e);
    }
    return LLVMConstInt(e->i64, 0, 0);
  case IR_BREAK:
    emit_break(e);
    return LLVMConstInt(e->i64, 0, 0);
  case IR_RETURN: {
    LLVMValueRef v = emit(e, n->kids[0]);
    LLVMBuildRet(e->b, v);
    start_dead_block(e);
    return LLVMConstInt(e->i64, 0, 0);
  }
  case IR_BIN:
    return emit_bin(e, n);
  case IR_UN: {
    LLVMValueRef x = emit(e, n->kids[0]);
    if (n->ival == IU_INEG) return LLVMBuildSub(e->b, LLVMConstInt(e->i64, 0, 0), x, "");
    if (n->ival == IU_FNEG) return f64_to_word(e, LLVMBuildFNeg(e->b, word_to_f64(e, x), ""));
    if (n->ival == IU_ITOF) return f64_to_word(e, LLVMBuildSIToFP(e->b, x, e->f64, ""));
    if (n->ival == IU_FTOI) {
      unsigned id = LLVMLookupIntrinsicID("llvm.fptosi.sat", 15);
      LLVMTypeRef tys[] = {e->i64, e->f64};
      LLVMValueRef fn = LLVMGetIntrinsicDeclaration(e->mod, id, tys, 2);
      LLVMTypeRef ft = LLVMIntrinsicGetType(e->ctx, id, tys, 2);
      LLVMValueRef arg = word_to_f64(e, x);
      return LLVMBuildCall2(e->b, ft, fn, &arg, 1, "");
    }
    return LLVMBuildXor(e->b, x, LLVMConstInt(e->i64, 1, 0), "");
  }
  case IR_CALL:
    return emit_call(e, n);
  case IR_CALL_CLOSURE:
    return emit_call_closure(e, n);
  case IR_CALL_RT: {
    LLVMValueRef *args = emit_kids(e, n, 0);
    LLVMValueRef r = call_rt(e, n->rt, args, n->nkids, n->line);
    free(args);
    return r;
  }
  case IR_FUNC_ADDR:
    return ptr_to_word(e, (LLVMValueRef)n->fn->backend);
  case IR_RECORD:
    return emit_record(e, n, NULL, (int)n->ival, n->ptrmap);
  case IR_CLOSURE:
    if (n->nkids == 0) return ptr_to_word(e, static_closure(e, n->fn));
    /* word 0 is the code pointer (not a heap pointer); captures follow. */
    return emit_record(e, n, ptr_to_word(e, (LLVMValueRef)n->fn->backend), 0, n->ptrmap << 1);
  case IR_FIELD:
    return LLVMBuildLoad2(e->b, e->i64, payload_ptr(e, emit(e, n->kids[0]), n->ival), "");
  case IR_STORE_FIELD: { /* actors area */
    LLVMValueRef obj = emit(e, n->kids[0]);
    LLVMValueRef v = emit(e, n->kids[1]);
    LLVMBuildStore(e->b, v, payload_ptr(e, obj, n->ival));
    return LLVMConstInt(e->i64, 0, 0);
  }
  case IR_TAG:
    return emit_tag(e, n);
  case IR_LIST: {
    if (n->nkids == 0) return call_rt(e, RT_LIST_EMPTY, NULL, 0, n->line);
    LLVMValueRef *vals = emit_kids(e, n, 0);
    LLVMValueRef args[] = {LLVMConstInt(e->i64, (uint64_t)n->nkids, 0),
                           ptr_to_word(e, word_array(e, vals, n->nkids)),
                           LLVMConstInt(e->i64, (uint64_t)n->ival, 0)};
    free(vals);
    return call_rt(e, RT_LIST_FROM, args, 3, n->line);
  }
  case IR_CONCAT: {
    LLVMValueRef *vals = emit_kids(e, n, 0);
    LLVMValueRef args[] = {LLVMConstInt(e->i64, (uint64_t)n->nkids, 0),
                           ptr_to_word(e, word_array(e, vals, n->nkids))};
    free(vals);
    return call_rt(e, RT_STRING_CONCAT_N, args, 2, n->line);
  }
  case IR_PANIC_NO_MATCH: {
    LLVMValueRef args[] = {ptr_to_word(e, e->file_str), line_const(e, n->line)};
    return call_rt(e, RT_PANIC_NO_MATCH, args, 2, n->line);
  }
  }
  return LLVMConstInt(e->i64, 0, 0);
}

/* ---------------------------------------------------------------- functions */

static void emit_function(Emitter *e, const IrFunc *f) {
  LLVMValueRef llfn = (LLVMValueRef)f->backend;
  e->fn = f;
  e->llfn = llfn;
  e->nloops = 0;
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(e->ctx, llfn, "entry");
  LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(e->ctx, llfn, "body");
  LLVMPositionBuilderAtEnd(e->alloca_b, entry);
  LLVMPositionBuilderAtEnd(e->b, body);
  e->file_str = c_string(e, f->file);
  e->slots = calloc((size_t)(f->nslots ? f->nslots : 1), sizeof *e->slots);
  for (int i = 0; i < f->nslots; i++) {
    e->slots[i] = entry_alloca(e, e->i64, f->slot_names[i] ? f->slot_names[i] : "");
    /* Unwritten slots read as () rather than garbage (e.g. skipped lets). */
    if (i >= f->nparams) LLVMBuildStore(e->alloca_b, LLVMConstInt(e->i64, 0, 0), e->slots[i]);
  }
  int first = 0;
  e->env = NULL;
  if (f->has_env) {
    e->env = LLVMGetParam(llfn, 0);
    first = 1;
  }
  for (int i = 0; i < f->nparams; i++)
    LLVMBuildStore(e->alloca_b, LLVMGetParam(llfn, (unsigned)(first + i)), e->slots[i]);
  emit_reduction_point(e);
  LLVMValueRef v = f->body ? emit(e, f->body) : LLVMConstInt(e->i64, 0, 0);
  if (!block_terminated(e)) LLVMBuildRet(e->b, v);
  LLVMBuildBr(e->alloca_b, body);
  /* Terminate every dead block (opened after returns, panics, continues). */
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(llfn); bb; bb = LLVMGetNextBasicBlock(bb)) {
    if (!LLVMGetBasicBlockTerminator(bb)) {
      LLVMPositionBuilderAtEnd(e->b, bb);
      LLVMBuildUnreachable(e->b);
    }
  }
  free(e->slots);
  e->slots = NULL;
}

static void emit_c_main(Emitter *e, const IrFunc *snow_main) {
  LLVMTypeRef params[] = {e->i32, e->ptr};
  LLVMTypeRef ft = LLVMFunctionType(e->i32, params, 2, 0);
  LLVMValueRef mainf = LLVMAddFunction(e->mod, "main", ft);
  LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(e->ctx, mainf, "entry");
  LLVMPositionBuilderAtEnd(e->b, bb);
  LLVMTypeRef rt_ty;
  LLVMValueRef rt_main = runtime_fn(e, RT_MAIN, &rt_ty);
  LLVMValueRef args[] = {LLVMGetParam(mainf, 0), LLVMGetParam(mainf, 1),
                         (LLVMValueRef)snow_main->backend};
  LLVMValueRef r = LLVMBuildCall2(e->b, rt_ty, rt_main, args, 3, "");
  LLVMBuildRet(e->b, r);
}

LLVMModuleRef llvm_emit_module(LLVMContextRef ctx, const IrModule *m, const char *module_name) {
  return llvm_emit_module_for(ctx, m, module_name, NULL);
}

LLVMModuleRef llvm_emit_module_for(LLVMContextRef ctx, const IrModule *m, const char *module_name,
                                   const char *triple) {
  Emitter e = {0};
  e.ctx = ctx;
  e.reductions = SNOW_EMIT_REDUCTIONS;
  char *host = triple ? NULL : LLVMGetDefaultTargetTriple();
  const char *t = triple ? triple : host;
  e.x86_64 = !strncmp(t, "x86_64", 6) && strstr(t, "linux"); /* %fs is the ELF TLS base */
  if (host) LLVMDisposeMessage(host);
  e.mod = LLVMModuleCreateWithNameInContext(module_name, ctx);
  e.b = LLVMCreateBuilderInContext(ctx);
  e.alloca_b = LLVMCreateBuilderInContext(ctx);
  e.i64 = LLVMInt64TypeInContext(ctx);
  e.i32 = LLVMInt32TypeInContext(ctx);
  e.i16 = LLVMInt16TypeInContext(ctx);
  e.i8 = LLVMInt8TypeInContext(ctx);
  e.i1 = LLVMInt1TypeInContext(ctx);
  e.f64 = LLVMDoubleTypeInContext(ctx);
  e.ptr = LLVMPointerTypeInContext(ctx, 0);
  e.void_t = LLVMVoidTypeInContext(ctx);
  /* Declare every function first: bodies refer to each other freely. */
  for (int i = 0; i < m->funcs.len; i++) {
    IrFunc *f = m->funcs.items[i];
    /* Names without a dot could capture C library calls LLVM emits itself
     * (frem becomes a call to `fmod`), so those get a prefix. */
    const char *name = f->name;
    char buf[256];
    if (!strchr(name, '.')) {
      snprintf(buf, sizeof buf, "snow.%s", name);
      name = buf;
    }
    LLVMValueRef llfn = LLVMAddFunction(e.mod, name, snow_fn_type(&e, f));
    LLVMSetLinkage(llfn, LLVMInternalLinkage);
    /* The runtime's fault handler tells Snow code from runtime and C
     * library code by this section (runtime/actor/fault.c). */
    LLVMSetSection(llfn, SNOW_RT_CODE_SECTION);
    /* Snow code never unwinds (panics exit the process or the actor). */
    LLVMAddAttributeAtIndex(llfn, LLVMAttributeFunctionIndex, enum_attr(&e, "nounwind"));
    f->backend = llfn;
  }
  for (int i = 0; i < m->funcs.len; i++)
    emit_function(&e, m->funcs.items[i]);
  if (m->main_fn) emit_c_main(&e, m->main_fn);
  LLVMDisposeBuilder(e.b);
  LLVMDisposeBuilder(e.alloca_b);
  free(e.strs);
  free(e.files);
  free(e.clos);
  free(e.loops);
  return e.mod;
}
