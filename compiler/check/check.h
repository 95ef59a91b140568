/* check.h — name resolution, type inference and pattern checking.
 *
 * Contract: check_program() checks every module of `p` in order, reporting
 * diagnostics (language.md §8.4) through `dc`, flushing each module's errors
 * and then its warnings in source order. It fills the checker annotations of
 * ast.h (types zonked, names resolved, captures, tail positions) and sets
 * p->main_fn when the entry module defines `main` without parameters.
 * Returns true when no error was reported. Never crashes on any tree the
 * parser can produce (including trees with EXPR_ERROR nodes). */
/* Conventions of the checked tree (in addition to ast.h and types.h):
 * - Pipes stay EXPR_BINARY/OP_PIPE. When the right side is an EXPR_CALL,
 *   the left operand is its first argument (after the receiver for a
 *   method call); that EXPR_CALL carries the call's type and the tail-call
 *   marks. Otherwise the right side is a function value applied to the left.
 * - `A.m` naming a library function, a variant or a function of an imported
 *   module: the EXPR_FIELD has the Ref; its target (the name `A`) is not a
 *   value and has no type.
 * - A pattern written as a plain uppercase name that denotes a nullary
 *   variant is rewritten to PAT_CTOR (and a PAT_CTOR without arguments that
 *   names no variant to PAT_BIND), so the kind always tells the meaning.
 * - Or-pattern alternatives share the Binding objects of their variables.
 * - Services (check/services.c): `NAME.start` / `NAME.<handler>` is an
 *   EXPR_FIELD with a REF_SERVICE Ref (.item the service, .handler the
 *   handler index or -1 for start, .fn the underlying function); the
 *   ServiceDecl's checker annotations hold init and one synthesized FnDecl
 *   per handler, checked like top-level functions.
 * - Constructs outside the current milestone (interfaces, impl, actors,
 *   supervisors, loops, maps, `where`, ...) are rejected with code
 *   E9999 and the headline `not yet supported: <construct>`. */
#ifndef SNOW_CHECK_H
#define SNOW_CHECK_H

#include <stdbool.h>

#include "../common/program.h"
#include "../diag/diag.h"

bool check_program(Arena *a, DiagContext *dc, Program *p);

/* The built-in sum types Option (Some, None), Result (Ok, Err) and Ordering
 * (Less, Equal, Greater) as real SumDecl/Variant objects (constant, shared by
 * all compilations): `con` is TC_OPTION, TC_RESULT or TC_ORDERING, else NULL.
 * Types of kind T_CON with those `con` values also carry this SumDecl in
 * `sum_decl`, and Ref.variant / Pattern.variant point at its variants. */
SumDecl *check_builtin_sum(int con);
/* The prelude sum types of the process model, `ExitReason` and `Signal`
 * (concurrency.md §10.1, §10.4; check/prelude_process.c), by name; their
 * types are TC_SUM with these decls (is_builtin set). NULL for other names. */
SumDecl *check_prelude_sum(const char *name);

/* The method `m` of the impl for the concrete type `t` (restricted to the
 * interface named `iface` when non-NULL), or NULL: static dispatch of
 * interface-method calls on `where`-bounded parameters (check/traits.c). */
FnDecl *check_impl_method(Program *p, Type *t, const char *iface, const char *m);
/* The user impls of built-in protocols that the primitive `t` lacks
 * (`impl Add for String`, `impl Ord for Bool`; language.md §5.9, §5.11),
 * or NULL when it has none (check/traits.c). */
ProtoImpls *check_primitive_protos(Program *p, Type *t);
/* The k-th `where` bound of `fn` on a generic interface: the bounded
 * parameter's variable, the interface, and the variables standing for the
 * interface's type parameters in fn's body (to be bound per instance to
 * the arguments of the receiver type's impl). False when there is none. */
bool check_bound_assoc(Program *p, FnDecl *fn, int k, Type **var, const char **iface,
                       Type ***assoc, int *nassoc);
/* The arguments `I<A, ...>` of the impl of interface `iface` for the
 * concrete type t (NULL when there is none). */
Type **check_impl_iface_args(Program *p, Type *t, const char *iface, int *n);

#endif
