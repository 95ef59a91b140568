/* ir.h — Snow's typed intermediate representation between the checker and LLVM.
 *
 * Contract.
 * - The IR is monomorphic and word-based: every node evaluates to one 64-bit
 *   word (runtime ABI, runtime/include/snow_rt.h): Int, Float bits, Bool 0/1,
 *   Unit 0, immediates of nullary variants, or object pointers. "Typed" means
 *   the operations carry their types (IB_IADD vs IB_FADD, pointer maps of
 *   allocations, the per-type helper functions chosen by lowering); no type
 *   variable survives lowering.
 * - A function has `nslots` word-sized local slots; slots 0..nparams-1 hold
 *   the parameters on entry. Closure code functions (`has_env`) also receive
 *   the closure object, read with IR_ENV. Every function returns one word.
 * - Nodes are expression trees (chibicc style): control flow is structured
 *   (IR_IF, IR_SWITCH, IR_LOOP/IR_CONTINUE, IR_RETURN), so code generation
 *   needs no CFG construction. Nodes that never complete normally (return,
 *   continue, panics) have an unspecified value.
 * - All memory comes from the Arena given to the constructors.
 * - ir_print() writes a readable dump (`snowc build --emit-ir`). */
#ifndef SNOW_IR_H
#define SNOW_IR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../util/arena.h"
#include "../util/vec.h"

typedef struct IrFunc IrFunc;
typedef struct IrNode IrNode;

typedef enum IrOp {
  IR_INT,            /* ival */
  IR_FLOAT,          /* fval (the word is its bit pattern) */
  IR_STRING,         /* static STRING object: str, len */
  IR_VAR,            /* read slot `slot` */
  IR_SET,            /* slot `slot` = kids[0]; value () */
  IR_SEQ,            /* kids in order; value of the last (() when empty) */
  IR_IF,             /* kids[0] != 0 ? kids[1] : kids[2] */
  IR_SWITCH,         /* kids[0] scrutinee; cases[i] selects kids[1+i]; kids[1+ncases] default */
  IR_LOOP,           /* kids[0] body; IR_CONTINUE jumps back to its start; the
                        value is the body's when it completes, 0 after IR_BREAK */
  IR_CONTINUE,       /* back to the start of the IR_LOOP `ival` levels out (0 = innermost);
                        every back-edge is a reduction point (concurrency.md §8) */
  IR_RETURN,         /* return kids[0] from the function */
  IR_BIN,            /* binop on kids[0], kids[1] */
  IR_UN,             /* unop on kids[0] */
  IR_CALL,           /* direct call of `fn` with kids as arguments */
  IR_CALL_CLOSURE,   /* kids[0] is a closure, kids[1..] its arguments */
  IR_CALL_RT,        /* runtime entry point `rt` (codegen/rt_decls.h) with kids */
  IR_FUNC_ADDR,      /* the code address of `fn` (for callbacks) */
  IR_RECORD,         /* new RECORD: tag ival, pointer map `ptrmap`, fields kids */
  IR_CLOSURE,        /* new closure: code `fn`, captures kids (ptrmap over captures) */
  IR_FIELD,          /* payload word ival of the object kids[0] */
  IR_TAG,            /* variant index of a sum value: ival IR_TAG_ANY (immediate or RECORD
                        tag), IR_TAG_IMMEDIATE (all variants nullary: the word itself) or
                        IR_TAG_BOXED (no nullary variant: the RECORD tag) */
  IR_LIST,           /* new list of kids; ival = 1 when elements are pointers */
  IR_CONCAT,         /* concatenation of the STRING kids (snow_string_concat_n) */
  IR_ENV,            /* the closure object of the current closure code function */
  IR_PANIC_NO_MATCH, /* `non-exhaustive match` at the node's line */
  IR_BREAK,          /* leaves the innermost IR_LOOP (loops area: `break`, `for`/`while` exit) */
  IR_STORE_FIELD,    /* payload word ival of the object kids[0] = kids[1]; value () (actors
                        area: an actor's current parameters into its state object, which
                        lives on the process stack — no write barrier needed) */
} IrOp;

typedef enum IrBinOp {
  IB_IADD,
  IB_ISUB,
  IB_IMUL,
  IB_IDIV,
  IB_IMOD,
  IB_IEQ,
  IB_INE,
  IB_ILT,
  IB_ILE,
  IB_IGT,
  IB_IGE,
  IB_FADD,
  IB_FSUB,
  IB_FMUL,
  IB_FDIV,
  IB_FMOD,
  IB_FEQ,
  IB_FNE,
  IB_FLT,
  IB_FLE,
  IB_FGT,
  IB_FGE,
} IrBinOp;

/* IU_FTOI truncates toward zero, saturating (NaN -> 0), stdlib.md §7.2. */
enum { IR_TAG_ANY = 0, IR_TAG_IMMEDIATE = 1, IR_TAG_BOXED = 2 };

typedef enum IrUnOp { IU_INEG, IU_FNEG, IU_NOT, IU_ITOF, IU_FTOI } IrUnOp;

struct IrNode {
  IrOp op;
  int line;        /* source line (1-based), 0 when unknown */
  int64_t ival;    /* IR_INT value; IR_BIN/IR_UN operator; IR_FIELD index; IR_RECORD tag;
                      IR_LIST pointer flag */
  double fval;     /* IR_FLOAT */
  const char *str; /* IR_STRING bytes (may contain NUL) */
  uint32_t len;
  int slot;        /* IR_VAR, IR_SET */
  int rt;          /* IR_CALL_RT: RtId */
  uint64_t ptrmap; /* IR_RECORD; IR_CLOSURE (bit i = capture i) */
  IrFunc *fn;      /* IR_CALL, IR_FUNC_ADDR, IR_CLOSURE */
  bool self_tail;  /* IR_CALL the checker marked as a self tail call */
  int64_t *cases;  /* IR_SWITCH */
  int ncases;
  IrNode **kids;
  int nkids;
};

struct IrFunc {
  const char *name; /* symbol name (unique in the module) */
  int nparams;      /* word parameters (not counting the closure) */
  bool has_env;     /* closure code: first machine parameter is the closure */
  int nslots;
  const char **slot_names; /* for printing; entries may be NULL */
  IrNode *body;
  const char *sig;  /* the Snow type it implements, for printing (may be NULL) */
  const char *file; /* source path for panics (as in diagnostics) */
  int line;         /* definition line, for the non-exhaustive panic of clauses */
  void *backend;    /* private to code generation */
};

typedef struct IrModule {
  VEC(IrFunc *) funcs;
  IrFunc *main_fn; /* the Snow `main` (no parameters), or NULL */
} IrModule;

/* ---- construction ---- */
IrFunc *ir_func_new(Arena *a, IrModule *m, const char *name, int nparams, bool has_env);
int ir_new_slot(Arena *a, IrFunc *f, const char *name); /* returns the slot index */

IrNode *ir_node(Arena *a, IrOp op, int line);
void ir_add_kid(Arena *a, IrNode *n, IrNode *kid);
IrNode *ir_int(Arena *a, int64_t v);
IrNode *ir_float(Arena *a, double v);
IrNode *ir_string(Arena *a, const char *s, uint32_t len);
IrNode *ir_unit(Arena *a);
IrNode *ir_var(Arena *a, int slot);
IrNode *ir_set(Arena *a, int slot, IrNode *value);
IrNode *ir_seq(Arena *a); /* empty; fill with ir_add_kid */
IrNode *ir_if(Arena *a, IrNode *cond, IrNode *then_, IrNode *else_);
IrNode *ir_bin(Arena *a, IrBinOp op, IrNode *l, IrNode *r, int line);
IrNode *ir_un(Arena *a, IrUnOp op, IrNode *x);
IrNode *ir_call(Arena *a, IrFunc *fn, IrNode **args, int nargs);
IrNode *ir_call_rt(Arena *a, int rt, int nargs, ...); /* IrNode * arguments */
IrNode *ir_field(Arena *a, IrNode *obj, int index);
IrNode *ir_tag(Arena *a, IrNode *v);
/* A one-field record with variant tag `tag` (Some(x), Ok(x), Err(x)); `ptr`:
 * the field may hold a heap pointer. */
IrNode *ir_record1(Arena *a, int tag, bool ptr, IrNode *x);
/* Whether the Result held in `slot` is an Err (Ok and Err are both boxed). */
IrNode *ir_is_err(Arena *a, int slot);
IrNode *ir_return(Arena *a, IrNode *v);

/* Names of operators (for printing and tests). */
const char *ir_binop_name(IrBinOp op);

void ir_print(FILE *out, const IrModule *m);

#endif
