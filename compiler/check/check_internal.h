/* check_internal.h — state and helpers shared by the checker's files.
 *
 * Contract (private to compiler/check/):
 * - types.c      type representation, unification with levels, printing,
 *                generalisation/instantiation, interface requirements.
 * - resolve.c    module symbol tables, built-in sum types, prelude lookup,
 *                library signatures (parsed from builtins.def), TypeExpr → Type.
 * - scope.c      local scopes, Bindings, captures.
 * - infer.c      Hindley–Milner inference of expressions.
 * - calls.c      names, qualified names, calls, methods, pipes.
 * - guards.c     `case` guard restrictions.
 * - functions.c  statements, blocks, function bodies and signatures.
 * - imports.c    `import` / `from … import`.
 * - patterns.c   pattern typing and bindings.
 * - exhaust.c    usefulness-based exhaustiveness and redundancy (§6.8).
 * - loops.c      `while`, `for`, `break`, `continue` (§6.9).
 * - finalize.c   after each top-level definition: zonking of annotations,
 *                tail positions, interpolation and `default()` checks,
 *                pattern-set checks.
 * - callgraph.c  SCCs of the top-level call graph.
 * - check.c      the driver: collection, clause rules, group checking, entry.
 * Every recursion driven by user input goes through a depth guard
 * (CHECK_MAX_DEPTH) and reports a diagnostic instead of overflowing. */
#ifndef SNOW_CHECK_INTERNAL_H
#define SNOW_CHECK_INTERNAL_H

#include <stdbool.h>

#include "../common/builtins.h"
#include "../common/program.h"
#include "../diag/diag.h"
#include "check.h"
#include "types.h"

#define CHECK_MAX_DEPTH 4000
#define TYPE_MAX_DEPTH 4000
#define INSTANTIATE_LIMIT 200000 /* nodes copied by one instantiation */

/* Interfaces a type may be required to have (bits of Type.constraints). The
 * first seven equal the DERIVE_* bits of ast.h. */
enum {
  IFACE_EQ = DERIVE_EQ,
  IFACE_ORD = DERIVE_ORD,
  IFACE_HASH = DERIVE_HASH,
  IFACE_DEBUG = DERIVE_DEBUG,
  IFACE_DISPLAY = DERIVE_DISPLAY,
  IFACE_ADD = 1u << 7,
  IFACE_SUB = 1u << 8,
  IFACE_MUL = 1u << 9,
  IFACE_DIV = 1u << 10,
  IFACE_MOD = 1u << 11,
  IFACE_NEG = 1u << 12,    /* prefix `-`: Int or Float (reported as E0001) */
  IFACE_CONCAT = 1u << 13, /* `<>`/`++`: String or List (reported as E0001) */
  IFACE_DEFAULT = 1u << 14,
};
const char *iface_name(unsigned bit);

/* ------------------------------------------------------------ module tables */

typedef struct SymEntry {
  const char *key;
  void *value;
} SymEntry;

/* Open-addressing string map (arena-backed). */
typedef struct SymTab {
  SymEntry *slots;
  int cap, count;
} SymTab;

void *symtab_get(SymTab *t, const char *key);
void symtab_put(Arena *a, SymTab *t, const char *key, void *value);

typedef struct ModuleInfo {
  SymTab fns;      /* name -> FnDecl* (first definition) */
  SymTab structs;  /* name -> StructDecl* */
  SymTab sums;     /* name -> SumDecl* */
  SymTab aliases;  /* name -> AliasDecl* */
  SymTab variants; /* name -> Variant* (user; built-ins via builtin_variant) */
  SymTab others;   /* name -> Item* for interfaces/actors/services/supervisors */
  SymTab imported; /* `from Ns import f`: name -> (intptr_t)(BuiltinId + 1) */
  /* project-module imports (§3.4) */
  SymTab modules;      /* `import A.B`: "B" -> Module* */
  SymTab ext_fns;      /* `from M import f`: name -> FnDecl* */
  SymTab ext_structs;  /* pub structs of imported modules */
  SymTab ext_sums;     /* pub sum types of imported modules */
  SymTab ext_variants; /* their variants */
  /* check.c: the module's checking state, so that its bodies can be
   * checked ahead of its turn (check_module_bodies_early) */
  struct ModuleWork *work;
  int bodies_state; /* BODIES_PENDING, BODIES_CHECKING, BODIES_DONE */
} ModuleInfo;

enum { BODIES_PENDING, BODIES_CHECKING, BODIES_DONE };

/* ------------------------------------------------------------ scopes */

typedef struct ScopeEntry {
  const char *name;
  Binding *local; /* a local variable, or */
  FnDecl *fn;     /* a block-level named function */
} ScopeEntry;

/* One function or closure being checked (innermost last). */
typedef struct LambdaCtx {
  struct LambdaCtx *parent;
  int scope_base;      /* scope entries below this index are outside */
  FnDecl *fn;          /* named function (NULL for a closure) */
  Expr *closure;       /* EXPR_CLOSURE (NULL for a named function) */
  Type *ret;           /* result type */
  TypeExpr *ret_annot; /* declared result type, if any */
  VEC(Binding *) captures;
  int loop_depth; /* enclosing `while`/`for` bodies inside this function (loops.c) */
} LambdaCtx;

/* A reference to a function of the SCC group being checked: its Ref.inst
 * is filled with the scheme's own variables once the group is generalised. */
typedef struct GroupRef {
  Ref *ref;
  FnDecl *fn;
} GroupRef;

/* Generic-parameter names in scope for annotations: name -> rigid T_VAR. */
typedef struct TypeParamEnv {
  const char **names;
  Type **types;
  int n;
  struct TypeParamEnv *parent;
} TypeParamEnv;

typedef struct FnEnv {
  FnDecl *fn;
  TypeParamEnv *env; /* generic parameters of the function's first clause */
} FnEnv;

typedef struct Checker {
  Arena *a;
  DiagContext *dc;
  Program *prog;
  Module *mod;
  ModuleInfo *mi;
  int level;
  int next_var_id;
  int next_binding_id;
  int next_decl_id;
  int depth;           /* expression/pattern recursion depth */
  unsigned epoch;      /* Type.visit_mark of the current traversal */
  bool type_too_large; /* an instantiation hit INSTANTIATE_LIMIT (reported once) */
  bool type_too_large_reported;
  bool depth_reported;
  VEC(ScopeEntry) scope;
  LambdaCtx *lambda;
  TypeParamEnv *tparams;
  FnDecl **group; /* SCC being checked (monomorphic inside) */
  int ngroup;
  VEC(GroupRef) group_refs;
  Scheme **builtin_schemes; /* parsed library signatures, by BuiltinId */
  VEC(FnEnv) fn_envs;
  /* actors area (actors.c): the message type M of the process whose code is
   * being checked (an actor body or terminate clause, or `main`; NULL
   * elsewhere: self()/receive are E0015/E0017 there), and the actor body
   * whose direct self-calls are allowed here (NULL in terminate clauses). */
  Type *proc_msg;
  FnDecl *actor_body;
} Checker;

/* ------------------------------------------------------------ types.c */

Type *new_var(Checker *c);
Type *new_rigid(Checker *c, const char *name);

typedef enum UnifyStatus { UNIFY_OK, UNIFY_MISMATCH, UNIFY_OCCURS, UNIFY_IFACE } UnifyStatus;
typedef struct UnifyError {
  UnifyStatus status;
  Type *var, *in;   /* UNIFY_OCCURS */
  Type *iface_type; /* UNIFY_IFACE: the type lacking ... */
  unsigned iface;   /* ... this interface bit */
} UnifyError;

UnifyStatus unify(Checker *c, Type *a, Type *b, UnifyError *err);
/* Requires interfaces `bits` of `t` (records them on variables). */
UnifyStatus require_iface(Checker *c, Type *t, unsigned bits, UnifyError *err);

/* Unifies `found` with `expected`; on failure reports E0001 (label `label`
 * or `expected {A}`), E0002 or E0006 at `span`. Returns success. */
bool expect_type(Checker *c, Type *expected, Type *found, Span span, const char *label);
/* Like expect_type for an already-failed unification. */
void report_unify_error(Checker *c, UnifyError *e, Type *expected, Type *found, Span span,
                        const char *label, Span *second, const char *second_label);
bool require_or_report(Checker *c, Type *t, unsigned bits, Span span);

const char *tstr(Checker *c, Type *t); /* type_to_string in the checker arena */

Scheme *generalize(Checker *c, Type *t, int level);
void generalize_group(Checker *c, FnDecl **fns, int n, int level);
Type *instantiate(Checker *c, Scheme *s, Type ***inst, int *ninst);
/* Starts a traversal: nodes marked with the returned epoch were visited. */
unsigned new_epoch(Checker *c);
/* Path-compresses `t` in place (nodes already marked with `epoch` are done). */
Type *zonk(Checker *c, Type *t, unsigned epoch);
bool type_has_unbound(Checker *c, Type *t); /* an unquantified unbound variable inside */

/* ------------------------------------------------------------ resolve.c */

void module_collect_tables(Checker *c, Module *m);
StructDecl *lookup_struct(Checker *c, const char *name);
SumDecl *lookup_sum(Checker *c, const char *name);
Variant *lookup_variant(Checker *c, const char *name);
Variant *lookup_variant_in(SumDecl *s, const char *name);
Scheme *builtin_scheme(Checker *c, int id);
Type *resolve_type_expr(Checker *c, TypeExpr *te);
Type *struct_type(Checker *c, StructDecl *s, Type **args);
Type *sum_type(Checker *c, SumDecl *s, Type **args);
/* Fresh instance of a struct/sum: its type, plus the substitution. */
Type *instantiate_struct(Checker *c, StructDecl *s, Type ***args_out);
Type *instantiate_sum(Checker *c, SumDecl *s, Type ***args_out);
/* Field types of variant `v` for a scrutinee of (resolved) type `sum_t`. */
Type **variant_field_types_for(Checker *c, Variant *v, Type *sum_t);
int variant_arity(Variant *v);

/* ------------------------------------------------------------ imports.c */

void check_import(Checker *c, Item *it);
const char *module_exports(Checker *c, Module *m);
void report_private(Checker *c, Span at, const char *name, const char *module);
void report_not_exported(Checker *c, Span at, const char *name, Module *m, const char *module);
/* `M.T`: M's tables when T is a pub type of the imported module M (E0035
 * for a private one, then NULL); NULL when `path` is not such a name. */
ModuleInfo *imports_module_type(Checker *c, Expr *path, bool *reported);

/* ------------------------------------------------------------ infer.c */

Type *infer_expr(Checker *c, Expr *e);
/* `hint` (may be NULL) is the type the context expects: it seeds the
 * parameter types of a closure argument before its body is checked. */
Type *infer_with_hint(Checker *c, Expr *e, Type *hint);
Diagnostic *report_error(Checker *c, const char *code, Span span, const char *label,
                         const char *msg);
void report_arity(Checker *c, Span span, int expected, int found); /* E0003 */
Span result_span(Expr *body); /* the expression giving a body its value */
bool type_is_never(Type *t);
static inline bool name_is_upper(const char *s) {
  return s && *s >= 'A' && *s <= 'Z';
}

/* ------------------------------------------------------------ loops.c */

Type *infer_while(Checker *c, Expr *e);
Type *infer_for(Checker *c, Expr *e);
Type *infer_break(Checker *c, Expr *e);    /* E0032 outside a loop body */
Type *infer_continue(Checker *c, Expr *e); /* E0033 outside a loop body */

/* ------------------------------------------------------------ calls.c */

Type *infer_name(Checker *c, Expr *e);
Type *infer_field(Checker *c, Expr *e);
Type *infer_call(Checker *c, Expr *call, Expr *pipe_arg); /* pipe_arg: `x |> f(...)` */
Type *infer_pipe(Checker *c, Expr *e);
int struct_field_index(StructDecl *s, const char *name);

/* ------------------------------------------------------------ traits.c */

void traits_declare_interface(Checker *c, Item *it);
/* Registers `impl I for T`; returns its methods (written + defaults) to be
 * checked with the module's functions. */
int traits_register_impl(Checker *c, Item *it, FnDecl ***methods_out);
/* fn_signature of an impl method: `self` and `Self` are the implementing type. */
Type *traits_method_signature(Checker *c, FnDecl *fn);
void traits_check_signatures(Checker *c, FnDecl *fn); /* E0008 */
/* The annotation scope (`Self`, a default's interface parameters) in which
 * an impl method's body is checked; NULL for other functions. */
TypeParamEnv *traits_method_env(Checker *c, FnDecl *fn);
bool traits_is_interface(Checker *c, const char *name);
bool traits_is_builtin_protocol(Checker *c, const char *name); /* Display, Eq, ... */
bool traits_has_method_named(Checker *c, const char *m);
/* IFACE_* bits a primitive has through user impls (`impl Add for String`). */
unsigned traits_primitive_ifaces(Checker *c, Type *t);
/* A use of a method whose impl's module is checked after the current one
 * (impls are global): that module's bodies are checked now and false is
 * returned (the method is then used normally). Only while they are being
 * checked (a cycle of such uses) is the type taken from the signature
 * (*out; E9999 when it is not ground) and true returned. */
bool traits_forward_method_use(Checker *c, FnDecl *fn, Ref *ref, Type **out);
FnDecl *traits_find_method(Checker *c, Type *recv, const char *m, const char *iface, Span at,
                           bool *ambiguous);
/* `where` clauses: records the bounds of fn's generic parameters (env). */
void traits_record_bounds(Checker *c, FnDecl *fn, TypeParamEnv *env);
/* A method call on a bounded generic parameter: sets `ref` (REF_METHOD,
 * .item = the interface) and *fn_type (NULL after an E0027); false when the
 * receiver is not a bounded parameter providing m. */
bool traits_bound_call(Checker *c, Type *recv, const char *m, const char *iface, Span at,
                       Ref *ref, Type **fn_type);
void traits_check_ref_bounds(Checker *c, Expr *e); /* E0006 for `where` bounds */
/* After a call of `callee` is applied: a bounded function whose type
 * mentions a generic interface's parameter gets it from the impl of the
 * argument's type (calls.c; traits_check_ref_bounds does it otherwise). */
void traits_bind_assoc(Checker *c, Expr *callee);
/* `m` (of interface `iface`, or of the one interface declaring it) as a
 * value whose receiver is not known yet: REF_METHOD typed from the
 * interface's signature; traits_check_ref_bounds checks the final receiver
 * (E0006, E0046). */
Type *traits_method_value(Checker *c, Expr *e, const char *m, const char *iface);

/* ------------------------------------------------------------ calls.c (shared with methods.c) */

typedef struct Arg {
  Expr *expr;
  Type *known; /* already inferred (receiver of a method call) */
} Arg;

Type *fn_use_type(Checker *c, FnDecl *fn, Ref *ref);   /* a use of a named function */
Type *builtin_use_type(Checker *c, int id, Ref *ref); /* a use of a library function */
/* Applies a value of type `ft` to `args`; E0003/E0001 on mismatch. */
Type *apply(Checker *c, Type *ft, Arg *args, int n, Span call_span, Span callee_span);

/* ------------------------------------------------------------ methods.c */

/* Each returns true when it decided the call (its type in *out). */
bool methods_receiver_call(Checker *c, Expr *call, Type *recv, Expr *pipe_arg, Type **out);
bool methods_interface_call(Checker *c, Expr *call, Expr *pipe_arg, Type **out);
bool methods_function_form_call(Checker *c, Expr *call, Expr *pipe_arg, Type **out);
bool methods_type_qualified(Checker *c, Expr *f, StructDecl *s, SumDecl *u, Type **out);
/* An interface method named as a value, `describe` or `Describe.describe`
 * (§5.8, Appendix A): with the receiver's type known from `hint` (the
 * function type the context expects), that impl's method; else a REF_METHOD
 * resolved per instance. True when `e` is such a name (type in *out). */
bool methods_value(Checker *c, Expr *e, Type *hint, Type **out);

/* ------------------------------------------------------------ guards.c */

void check_case_guard(Checker *c, Expr *g); /* E0013 */
void check_guard_type(Checker *c, Expr *g); /* Bool */

/* ------------------------------------------------------------ scope.c */

Binding *new_binding(Checker *c, const char *name, Span span, Type *t);
void scope_push_local(Checker *c, Binding *b);
void scope_push_fn(Checker *c, FnDecl *fn);
ScopeEntry *scope_lookup(Checker *c, const char *name);

/* ------------------------------------------------------------ functions.c */

Type *infer_block_stmts(Checker *c, StmtList *stmts);
void check_fn_decl(Checker *c, FnDecl *fn, Type *fn_type);
/* A fresh T_FUN for `fn` from its first clause's annotations (params fresh). */
Type *fn_signature(Checker *c, FnDecl *fn);
void check_top_stmt(Checker *c, Stmt *s);

/* ------------------------------------------------------------ patterns.c */

/* Types `p` against `expected`, creating a Binding per variable (or-pattern
 * alternatives share the first alternative's), then pushes the bindings on
 * the scope. */
void check_pattern(Checker *c, Pattern *p, Type *expected);
bool pattern_is_catch_all(Pattern *p);

/* ------------------------------------------------------------ exhaust.c */

typedef struct PatRow {
  Pattern **cols; /* one pattern per column */
  bool guarded;
} PatRow;

/* Checks rows (arms/clauses) over columns of types `col_types`.
 * Missing patterns: E0012 (error when `is_error`, else warning) at `span`
 * on type `shown`; redundant rows: W0001 at `row_spans[i]`. */
void check_match(Checker *c, PatRow *rows, int nrows, Type **col_types, int ncols, Type *shown,
                 Span span, Span *row_spans, bool is_error, bool report_redundant);

/* ------------------------------------------------------------ finalize.c */

void finalize_fn(Checker *c, FnDecl *fn);
void finalize_stmt(Checker *c, Stmt *s);

/* ------------------------------------------------------------ callgraph.c */

/* comp[i]: strongly connected component of fns[i], numbered dependencies
 * first; returns the number of components. */
int callgraph_components(Checker *c, FnDecl **fns, int n, int *comp);

/* ------------------------------------------------------------ check.c */

bool enter_depth(Checker *c, Span span);
/* Checks the function bodies of module `m` now, ahead of the dependency
 * order (its impl methods are used by `from`'s bodies: impls are global,
 * §3.4). True when m's bodies are checked (now or before); false while
 * they are being checked (a cycle of such uses) or m cannot be checked. */
bool check_module_bodies_early(Checker *from, Module *m);
/* E0022, E0024, W0002 for the clauses of one function. */
void check_clause_rules(Checker *c, FnDecl *fn);
void leave_depth(Checker *c);
Diagnostic *report_unsupported(Checker *c, Span span, const char *what);

/* ------------------------------------------------------------ services.c */

/* A `service` item (phase 1): E0041/E0042; returns its functions (init and
 * one synthesized FnDecl per handler) to be checked with the module's. */
int services_declare(Checker *c, Item *it, FnDecl ***fns_out);
/* After the signatures: ties state, reply and body types together. */
void services_link_signatures(Checker *c, Module *m);
/* `NAME.start` / `NAME.<snake>` of service item `it` (type in *out). */
bool services_qualified(Checker *c, Expr *f, Item *it, const char *m, Type **out);
/* Before a group is generalised: the free type variables of a service's
 * function stay monomorphic (level 0), so that its uses determine them; a
 * service has one dispatch function for all its callers. */
void services_pin_monomorphic(Checker *c, FnDecl *fn);
/* callgraph.c: the member name reaching fn (`start`, a snake name), or NULL
 * when fn is not a service's function. */
const char *services_member_key(FnDecl *fn);

/* ------------------------------------------------------------ actors.c (actors area) */

/* Phase 1: the actor item's body as a FnDecl (added to the module's
 * functions so it is ordered and generalised with them) and its M. */
FnDecl *actors_declare(Checker *c, Item *it);
/* Around check_fn_decl of a top-level function: sets proc_msg/actor_body
 * for actor bodies and `main`; after the body, checks the terminate clause
 * and E0040. */
void actors_begin_fn(Checker *c, FnDecl *fn);
void actors_end_fn(Checker *c, FnDecl *fn);
/* The scheme of an actor body also quantifies M (types.c). */
Type *actors_scheme_source(Checker *c, FnDecl *fn);
/* A name that denotes an actor's starter: true when handled (type in *out). */
bool actors_name(Checker *c, Expr *e, Type **out);
/* `Mod.a` for a `pub actor a` of the imported module with tables `mi`. */
bool actors_qualified(Checker *c, Expr *f, ModuleInfo *mi, const char *name, Type **out);
/* A call `a(args)` directly in a's body (a direct self-call) or of the
 * built-in `spawn_link`: true when handled. */
bool actors_call(Checker *c, Expr *call, Type **out);
/* spawn, send, link, monitor, self(), receive. */
Type *actors_infer(Checker *c, Expr *e);
/* `let` does not generalise these values (spawn, a starter call,
 * spawn_link, receive): a generalised `let` is re-evaluated per use. */
bool actors_creates_process(Checker *c, Expr *e);
/* prelude_process.c */
Variant *prelude_process_variant(const char *name);
Type *prelude_exit_reason_type(void);

/* ------------------------------------------------------------ supervisors.c (supervisors area) */

/* Phase 1: E0018 (missing start), E0019, E0020, E0021; returns the
 * synthesized start functions to be checked with the module's. */
int supervisors_declare(Checker *c, Item *it, FnDecl ***fns_out);
/* After the module's bodies: E0018 on the start closures' types. */
void supervisors_check_starts(Checker *c, Module *m);
/* The bare name of a supervisor (its starter): true when handled. */
bool supervisors_name(Checker *c, Expr *e, Type **out);
/* `NAME.start_child` of supervisor item `it`: true when handled. */
bool supervisors_qualified(Checker *c, Expr *f, Item *it, const char *m, Type **out);
/* callgraph.c: "start_child" for a simple_one_for_one template, else NULL. */
const char *supervisors_member_key(FnDecl *fn);

/* ------------------------------------------------------------ collections.c */

/* Tuple.first/second/nth/size: typed from the tuple argument's size. */
bool tuple_builtin(int id);
Type *tuple_builtin_type(Checker *c, int id, Type *tuple, Span span);

/* ------------------------------------------------------------ json.c */

/* JSON-serializable (web-data-dist.md §1.6.2); type variables count as yes. */
bool json_serializable(Type *t, int depth);
/* E0038 for the fields of every type of `m` deriving Json (drops the derive). */
void json_check_derives(Checker *c, Module *m);
/* rows.c: E0039 for the fields of structs deriving Row. */
void rows_check_derives(Checker *c, Module *m);
/* `T.from_row` on a struct deriving Row (rows.c). */
bool rows_qualified(Checker *c, Expr *f, const char *tn, const char *m, Type **out);
/* `T.from_json` / `T.from_json_value`: true when handled (type in *out). */
bool json_qualified(Checker *c, Expr *f, const char *tn, const char *m, Type **out);
/* BI_JSON_TO_JSON for `v.to_json()` on a type deriving Json, else -1. */
int json_method(Checker *c, Type *recv, const char *m);
/* Final-type checks of a reference (finalize.c): E0038, E0046. */
void json_check_ref(Checker *c, Expr *e);

#endif
