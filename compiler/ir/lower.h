/* lower.h — lowering of the checked syntax tree to the IR.
 *
 * Contract: lower_program() turns a checked Program (all checker
 * annotations of ast.h filled, no errors) into an IrModule: one IR function
 * per *instance* of each Snow function reachable from `main`, plus closure
 * code, function-value wrappers and per-type helpers (Display, Debug,
 * equality, ordering, hash). It reports constructs it cannot lower through
 * `dc` (`error: ...`) and returns NULL in that case. The self-tail-call pass
 * (passes.h) runs afterwards.
 *
 * The rest of this header is private to the lower_*.c files, one
 * responsibility each:
 *   lower.c          entry point, the instance worklist, function bodies
 *   lower_mono.c     monomorphisation support: substitution environments,
 *                    type keys and names, pointer-ness of types, field types
 *                    of generic types, variant tags, the maps of instances
 *                    and generated functions
 *   lower_expr.c     expressions and statements (incl. `?` desugaring)
 *   lower_loops.c    `while`, `for`, `break`, `continue`, ranges
 *   lower_match.c    patterns as decision trees: `case`, multi-clause
 *                    functions/closures; irrefutable `let` patterns
 *   lower_closure.c  closure conversion and functions/constructors as values
 *   lower_builtins.c library functions of builtins.def to runtime calls
 *   lower_helpers.c  per-type Display/Debug/eq/cmp/hash helper functions
 *   lower_traits.c   user impls of built-in protocols (helpers, operators,
 *                    default()) and static dispatch of bounded method calls
 *   lower_tailcall.c self tail calls as loops (an IR pass, passes.h) */
#ifndef SNOW_LOWER_H
#define SNOW_LOWER_H

#include "../check/types.h"
#include "../codegen/rt_decls.h"
#include "../common/program.h"
#include "../diag/diag.h"
#include "ir.h"

IrModule *lower_program(Arena *a, DiagContext *dc, Program *p);

/* ------------------------------------------------------------ private */

/* Maps quantified type variables (T_VAR cells, by identity) to concrete types. */
typedef struct MonoEnv {
  Type **vars;
  Type **types;
  int n;
} MonoEnv;

typedef struct Instance {
  FnDecl *fn;
  const char *key;
  MonoEnv env;
  IrFunc *ir;
  bool lowered;
} Instance;

typedef enum ShowMode { SHOW_DISPLAY, SHOW_DEBUG } ShowMode;
typedef enum HelperKind {
  HELPER_DISPLAY,
  HELPER_DEBUG,
  HELPER_EQ,
  HELPER_CMP,
  HELPER_HASH
} HelperKind;

/* String-keyed hash map (open addressing, arena-backed). */
typedef struct StrMapEntry {
  const char *key;
  void *value;
} StrMapEntry;
typedef struct StrMap {
  StrMapEntry *slots;
  int cap, count;
} StrMap;

typedef struct Lower {
  Arena *a;
  DiagContext *dc;
  Program *prog;
  IrModule *m;
  VEC(Instance *) instances; /* the worklist, in creation order */
  StrMap instance_by_key;
  StrMap cache; /* helpers and wrappers by key */
  int errors;
  int counter; /* for unique lambda names */
} Lower;

/* A local variable bound to a slot of the function being built. */
typedef struct LocalSlot {
  Binding *b;
  int slot;
} LocalSlot;

/* State while lowering one IR function. */
typedef struct FnCtx {
  Lower *L;
  IrFunc *f;
  MonoEnv env;
  const SourceFile *file;
  VEC(LocalSlot) locals;
} FnCtx;

/* lower.c */
Instance *lower_instance(Lower *L, FnDecl *fn, Type **inst, int ninst);
Instance *lower_instance_in(Lower *L, FnDecl *fn, Type **inst, int ninst, const MonoEnv *outer);
void lower_error(FnCtx *c, Span at, const char *what);
int lower_line(FnCtx *c, Span at);
int fnctx_slot_of(FnCtx *c, Binding *b); /* -1 if unknown */
int fnctx_bind(FnCtx *c, Binding *b);    /* fresh slot for b */
FnCtx fnctx_new(Lower *L, IrFunc *f, MonoEnv env, const SourceFile *file);
const SourceFile *fn_file(FnDecl *fn);

/* lower_mono.c */
Type *mono_type(Lower *L, const MonoEnv *env, Type *t); /* concrete; undetermined -> () */
MonoEnv mono_env_extend(Lower *L, const MonoEnv *env, Type **vars, Type **with, int n);
const char *type_key(Lower *L, Type *t); /* readable, unique per type */
bool type_is_ptr(Type *t);               /* word may hold a heap pointer */
uint64_t ptrmap_of(Type **types, int n);
Type **struct_field_types(Lower *L, Type *struct_type, int *n);
Type **variant_field_types(Lower *L, Type *sum_type, Variant *v, int *n);
/* The variant index of the sum value `v` of type `sum` (IR_TAG of the
 * right kind for the type's mix of nullary and non-nullary variants). */
IrNode *lower_tag(Lower *L, Type *sum, IrNode *v);
void *strmap_get(const StrMap *m, const char *key);
void strmap_put(Arena *a, StrMap *m, const char *key, void *value);
IrFunc *lower_cache_get(Lower *L, const char *key);
void lower_cache_put(Lower *L, const char *key, IrFunc *fn);
static inline Type *ctx_type(FnCtx *c, Type *t) {
  return mono_type(c->L, &c->env, t);
}

/* lower_expr.c */
IrNode *lower_expr(FnCtx *c, Expr *e);
IrNode *lower_block_stmts(FnCtx *c, Stmt **stmts, int n);

/* lower_loops.c: `while`, `for`, `break`, `continue`, `a..b` (language.md §6.9) */
IrNode *lower_while(FnCtx *c, Expr *e);
IrNode *lower_for(FnCtx *c, Expr *e);
IrNode *lower_for_discarded(FnCtx *c, Expr *e); /* statement position: no list built */
IrNode *lower_break(FnCtx *c, Expr *e);
IrNode *lower_continue(FnCtx *c, Expr *e);
IrNode *lower_range(FnCtx *c, Expr *e); /* the Range RECORD {start, end} */

/* lower_match.c */
typedef struct MatchRow {
  Pattern **pats; /* one per column */
  Expr *guard;    /* may be NULL */
  Expr *body;
} MatchRow;
/* Tries the rows in order over the values in `cols` (slots); the first row
 * whose patterns match and whose guard holds gives the result. When no row
 * matches: a `non-exhaustive match` panic at `line`. */
IrNode *lower_match(FnCtx *c, int *cols, Type **col_types, int ncols, MatchRow *rows, int nrows,
                    int line);
/* receive (lower_actors.c): the tree of lower_match over one column, where a
 * failed match sets arm_slot to -1 instead of panicking; the first matching
 * row i sets it to arm_ids[i] (i when NULL). Bodies are the caller's. */
IrNode *lower_match_tree(FnCtx *c, int slot, Type *type, MatchRow *arms, int narms,
                         const int *arm_ids, int line, int arm_slot);
/* Binds the variables of an irrefutable pattern to parts of `slot`. */
IrNode *lower_let_pattern(FnCtx *c, Pattern *p, int slot);
/* Body of a function or closure from its clauses, parameters in slots 0..n-1. */
IrNode *lower_clauses(FnCtx *c, MatchRow *rows, int nrows, int nparams, Type **param_types,
                      int line);

/* lower_closure.c */
IrNode *lower_closure_expr(FnCtx *c, Expr *e);
IrNode *lower_fn_value(FnCtx *c, Instance *inst, int line);
IrNode *lower_ctor_value(FnCtx *c, Variant *v, Type *fun_type, int line);
IrNode *lower_builtin_value(FnCtx *c, int builtin, Type *fun_type, int line);
IrNode *lower_ctor_apply(FnCtx *c, Variant *v, Type *result_type, IrNode **args, int nargs);

/* lower_builtins.c: `args` already lowered, `types` their concrete types. */
IrNode *lower_builtin_call(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                           Type *result, int line);

/* lower_services.c (concurrency.md §13-§14): `NAME.start` / `NAME.<handler>`
 * calls (callee->ref is a REF_SERVICE), and the Job functions (as the areas
 * below: NULL for other ids, *want = expected argument count). */
IrNode *lower_service_apply(FnCtx *c, Expr *callee, IrNode **args, Type **types, int n,
                            int line);
IrNode *lower_service_value(FnCtx *c, Expr *e); /* the same as a function value */
IrNode *lower_builtin_jobs(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                           Type *result, int *want);

/* lower_supervisors.c (concurrency.md §15): `NAME()` / `NAME.start_child`
 * calls (callee->ref is a REF_SUPERVISOR), `NAME` as a value, and the
 * Supervisor functions (as the areas below). */
IrNode *lower_supervisor_apply(FnCtx *c, Expr *callee, IrNode **args, Type **types, int n,
                               int line);
IrNode *lower_supervisor_value(FnCtx *c, Expr *e);
IrNode *lower_builtin_supervisors(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                                  Type *result, int *want);

/* lower_actors.c (actors area, concurrency.md §3-§12) */
int lower_actor_extra_params(FnDecl *fn); /* 1 for an actor body: its state object */
IrNode *lower_actor_prologue(FnCtx *c, FnDecl *fn, IrNode *body); /* params into the state */
IrNode *lower_main_prologue(FnCtx *c, FnDecl *fn, IrNode *body);  /* main declares Mmain */
IrNode *lower_actor_self_call(FnCtx *c, Instance *in, IrNode **args, int n, int line);
IrNode *lower_actor_apply(FnCtx *c, Expr *callee, IrNode **args, Type **types, int n, int line);
IrNode *lower_actor_value(FnCtx *c, Expr *e);  /* a starter as a function value */
IrNode *lower_actor_expr(FnCtx *c, Expr *e);   /* spawn, send, link, monitor, self(), receive */
IrNode *lower_spawn_link_call(FnCtx *c, Expr *call);
IrNode *lower_builtin_processes(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                                Type *result, int *want); /* Process, Timer */
IrNode *lower_process_helper(FnCtx *c, HelperKind kind, Type *t); /* Pid, ExitReason; else NULL */
/* lower_expr.c: applies `callee` to lowered arguments (also spawn(f, ...)). */
IrNode *lower_apply(FnCtx *c, Expr *callee, IrNode **args, Type **types, int n, Type *result,
                    int line, bool self_tail);

/* lower_helpers.c */
/* Per-area lowering of library calls, tried in turn by lower_builtin_call for
 * the ids it does not handle itself: each returns NULL for ids outside its
 * area, else the lowered call, and sets *want to the expected argument count.
 * collections: Map, Set, Range, Queue, Tuple; text: String, Int, Float, Math,
 * IO, Env, File; json: JSON and Json. */
IrNode *lower_builtin_collections(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                                  Type *result, int *want);
/* lower_builtins_collections.c, also for map literals and Display: the
 * runtime flags of a Map<K, V> type and the address of its key helpers. */
int64_t lower_map_flags(Type *map_type);
IrNode *lower_map_eq_fn(FnCtx *c, Type *map_type);
IrNode *lower_map_hash_fn(FnCtx *c, Type *map_type);
IrNode *lower_map_literal(FnCtx *c, Expr *e);
IrNode *lower_collection_show(FnCtx *c, ShowMode mode, Type *t); /* NULL: not Map/Set */
IrNode *lower_builtin_text(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                           Type *result, int *want);
IrNode *lower_builtin_json(FnCtx *c, int builtin, IrNode **args, Type **types, int nargs,
                           Type *result, int *want);
/* lower_json.c: the Json tree of value v of the JSON-serializable type t
 * (web-data-dist.md §1.7); NULL for a type it cannot convert. */
IrNode *lower_to_json(FnCtx *c, Type *t, IrNode *v);
/* Result<T, String> of decoding the Json j / parsing and decoding text (§1.8). */
IrNode *lower_from_json_value(FnCtx *c, Type *t, IrNode *j);
IrNode *lower_from_json(FnCtx *c, Type *t, IrNode *text);
/* lower_rows.c: `T.from_row(row)` of a struct deriving Row (NULL if impossible). */
IrNode *lower_from_row(FnCtx *c, Type *t, IrNode *row);
IrNode *lower_show(FnCtx *c, ShowMode mode, Type *t, IrNode *v);
IrNode *lower_eq(FnCtx *c, Type *t, IrNode *a, IrNode *b);
IrNode *lower_cmp(FnCtx *c, Type *t, IrNode *a, IrNode *b); /* <0, 0, >0 */
IrNode *lower_hash(FnCtx *c, Type *t, IrNode *v);
IrFunc *helper_fn(Lower *L, HelperKind kind, Type *t);

/* lower_traits.c: user impls of built-in protocols; NULL when none. */
IrNode *lower_user_helper(FnCtx *c, HelperKind kind, Type *t); /* params in slots 0, 1 */
IrNode *lower_user_operator(FnCtx *c, BinOp op, Type *t, IrNode *l, IrNode *r, int line);
IrNode *lower_user_default(FnCtx *c, Type *t, int line);
/* `iface_item`'s method `m` for the concrete receiver types[0] (static
 * dispatch after monomorphisation); NULL when no impl provides it. */
IrNode *lower_dispatch_call(FnCtx *c, Item *iface_item, const char *m, IrNode **args, Type **types,
                            int n, int line);
/* An interface method named as a value (REF_METHOD): the impl's method for
 * the concrete receiver of this instance, as a function value; NULL when
 * no impl provides it. */
IrNode *lower_method_value(FnCtx *c, Expr *e, int line);
/* `env` of an instance of `fn` extended with the generic-interface
 * parameters of its `where` bounds (the impls' arguments). */
MonoEnv lower_bound_assoc_env(Lower *L, FnDecl *fn, MonoEnv env);

#endif
