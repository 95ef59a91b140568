/* types.h — Snow's static types, as the checker builds them and code
 * generation reads them.
 *
 * Contract.
 * - A Type is immutable once its variables are resolved; T_VAR nodes are
 *   union-find cells (`link` non-NULL once bound). Always look through links
 *   with type_resolve() (or use a zonked type).
 * - After the checker finishes a top-level definition it "zonks" every type
 *   it stored in the tree (Expr.type, Pattern.type, Binding.type, Ref.inst):
 *   no bound T_VAR remains. What remains as T_VAR is either a quantified
 *   variable of an enclosing Scheme (generic code, instantiated by
 *   monomorphisation) or an undetermined variable, which code generation
 *   treats as Unit (language.md §5.7).
 * - Types are allocated in the checker's arena and shared freely. */
#ifndef SNOW_TYPES_H
#define SNOW_TYPES_H

#include <stdbool.h>

#include "../syntax/ast.h"
#include "../util/arena.h"

typedef enum TypeKind {
  T_VAR,
  T_INT,
  T_FLOAT,
  T_BOOL,
  T_STRING,
  T_UNIT,
  T_NEVER, /* type of return/break/continue; unifies with anything */
  T_TUPLE, /* args = elements (>= 2) */
  T_FUN,   /* args = parameters, ret */
  T_CON,   /* a named constructor applied to args: see TypeCon */
} TypeKind;

typedef enum TypeConKind {
  TC_LIST,     /* List<T> */
  TC_MAP,      /* Map<K, V> */
  TC_SET,      /* Set */
  TC_RANGE,    /* Range */
  TC_QUEUE,    /* Queue */
  TC_OPTION,   /* Option<T> */
  TC_RESULT,   /* Result<T, E> */
  TC_ORDERING, /* Ordering */
  TC_PID,      /* Pid<M> (nargs 1) or untyped Pid (nargs 0) */
  TC_JSON,     /* Json */
  TC_STRUCT,   /* user struct: .struct_decl */
  TC_SUM,      /* user sum type: .sum_decl */
  TC_OPAQUE,   /* unknown type name / opaque library type: .name */
} TypeConKind;

struct Type {
  TypeKind kind;
  /* T_VAR */
  int var_id;
  int level;     /* let-generalisation level */
  Type *link;    /* bound to this type, or NULL */
  bool is_generic_param; /* declared `<T>` parameter (rigid inside its function) */
  const char *var_name;  /* for messages of declared params; NULL otherwise */
  /* T_CON */
  TypeConKind con;
  StructDecl *struct_decl;
  SumDecl *sum_decl;
  const char *name;      /* constructor name for messages ("List", "Main.Point") */
  /* T_TUPLE, T_FUN, T_CON */
  Type **args;
  int nargs;
  Type *ret;             /* T_FUN */
  /* T_VAR (checker-internal, additive): interfaces required of the variable
   * (IFACE_* bits of check/check_internal.h), and whether it is a
   * quantified variable of some Scheme (never bound afterwards). */
  unsigned constraints;
  bool quantified;
  unsigned visit_mark; /* checker-internal: traversal epoch (shared DAG nodes once) */
};

struct Scheme {
  Type **vars; /* quantified T_VARs, in a fixed order (Ref.inst follows it) */
  int nvars;
  Type *type;
};

Type *type_resolve(Type *t); /* follows T_VAR links */

/* Substitutes scheme variables: every T_VAR `vars[i]` in `t` becomes
 * `with[i]`; other unbound variables become Unit when `default_unit`. */
Type *type_subst(Arena *a, Type *t, Type **vars, Type **with, int n, bool default_unit);

bool type_equal(Type *a, Type *b); /* structural equality of resolved types */

/* Writes the type as in source (language.md §8.2): `Int`, `List<String>`,
 * `(Int, String)`, `(Int) -> Bool`, `()`, `?N`, `Never`, `Main.Point`. */
const char *type_to_string(Arena *a, Type *t);

/* Constructors for the common types (shared singletons where possible). */
Type *type_int(void);
Type *type_float(void);
Type *type_bool(void);
Type *type_string(void);
Type *type_unit(void);
Type *type_never(void);
Type *type_list(Arena *a, Type *elem);
Type *type_option(Arena *a, Type *elem);
Type *type_result(Arena *a, Type *ok, Type *err);
Type *type_tuple(Arena *a, Type **elems, int n);
Type *type_fun(Arena *a, Type **params, int n, Type *ret);
Type *type_con(Arena *a, TypeConKind con, const char *name, Type **args, int n);

#endif
