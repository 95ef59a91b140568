/* ast.h — the syntax tree of one Snow module, and the slots the checker fills.
 *
 * Contract.
 * - The parser (parser.h) builds this tree for the *whole* grammar of
 *   language.md §4, from the token array of lex/token.h. Every node records
 *   its byte span and its first/last significant token index, so the tree plus
 *   the token array (which includes all trivia) is lossless: the formatter and
 *   the language server can recover every byte.
 * - All nodes live in the module's Arena. Lists are VEC()s.
 * - Fields under "checker annotations" are NULL/0 after parsing and are filled
 *   by the type checker (check/check.h). Code generation reads only checked
 *   trees, and relies on those annotations instead of re-resolving names.
 * - Multi-clause functions: the parser groups *consecutive* definitions of the
 *   same name (at top level or in one block) into one FnDecl with several
 *   FnClauses. A non-consecutive redefinition stays a separate FnDecl (the
 *   checker reports E0023); clauses of different arity stay grouped (the
 *   checker reports E0024).
 * - Strings: literal segments are stored decoded (escapes already applied,
 *   language.md §2.11), with their byte length (they may contain NUL). */
#ifndef SNOW_AST_H
#define SNOW_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "../diag/source.h"
#include "../util/vec.h"

typedef struct Type Type;       /* check/types.h */
typedef struct Scheme Scheme;   /* check/types.h */
typedef struct Expr Expr;
typedef struct Pattern Pattern;
typedef struct Stmt Stmt;
typedef struct Item Item;
typedef struct TypeExpr TypeExpr;
typedef struct FnDecl FnDecl;
typedef struct StructDecl StructDecl;
typedef struct SumDecl SumDecl;
typedef struct Variant Variant;
typedef struct Binding Binding;
typedef struct Module Module;

typedef VEC(Expr *) ExprList;
typedef VEC(Pattern *) PatternList;
typedef VEC(Stmt *) StmtList;
typedef VEC(Item *) ItemList;
typedef VEC(TypeExpr *) TypeExprList;
typedef VEC(const char *) NameList;

typedef struct Name {
  const char *text; /* NUL-terminated copy */
  Span span;
} Name;
typedef VEC(Name) NameVec;

/* ---------------------------------------------------------------- types */

typedef enum TypeExprKind {
  TE_NAMED,  /* Name or A.B.Name, optional <args>; `Pid` bare is untyped */
  TE_UNIT,   /* () */
  TE_TUPLE,  /* (A, B, ...) */
  TE_FUN,    /* Fun(A, B) -> R */
  TE_OPTION, /* T?  (sugar) -> elem */
  TE_RESULT, /* T!E (sugar) -> elem, err */
} TypeExprKind;

struct TypeExpr {
  TypeExprKind kind;
  Span span;
  NameVec path;       /* TE_NAMED: dotted components; last one is the type name */
  TypeExprList args;  /* TE_NAMED args, TE_TUPLE elements, TE_FUN params */
  TypeExpr *ret;      /* TE_FUN */
  TypeExpr *elem;     /* TE_OPTION, TE_RESULT */
  TypeExpr *err;      /* TE_RESULT */
};

/* ---------------------------------------------------------------- bindings */

/* One local variable: a parameter, a `let` name, a pattern variable, a loop
 * variable. Created by the checker; patterns and name expressions point at it. */
struct Binding {
  const char *name;
  Span span;
  Type *type;       /* monomorphic type (or the generalised body type) */
  Scheme *scheme;   /* non-NULL when a `let` generalised it (§5.7) */
  int id;           /* unique within the enclosing top-level definition */
  bool captured;    /* referenced from inside a nested closure */
  bool is_let_value;/* `let` whose value may be re-evaluated per instantiation */
  Expr *let_value;  /* for generalised `let`s: the right-hand side */
};

/* What a name (or a qualified name A.b) denotes, decided by the checker. */
typedef enum RefKind {
  REF_NONE,
  REF_LOCAL,    /* .local */
  REF_FN,       /* .fn: a top-level or block-level named function */
  REF_CTOR,     /* .variant: a sum-type constructor (used as value or callee) */
  REF_BUILTIN,  /* .builtin: a library function (common/builtins.def id) */
  REF_ACTOR,    /* .item: an actor definition (issue #4) */
  REF_SERVICE,  /* .item: `NAME.start` / `NAME.<handler>` (.handler; .fn the
                   underlying function, check/services.c) */
  REF_SUPERVISOR,
  REF_METHOD,   /* .fn: an impl method resolved statically (issue #3) */
} RefKind;

typedef struct Ref {
  RefKind kind;
  Binding *local;
  FnDecl *fn;
  Variant *variant;
  Item *item;
  int builtin;
  int handler;  /* REF_SERVICE: -1 for `NAME.start`, else the handler's index */
  /* Instantiation of the referenced generic scheme at this use: inst[i] is
   * the (fully resolved) type chosen for the scheme's i-th quantified
   * variable. Empty for monomorphic references. */
  Type **inst;
  int ninst;
} Ref;

/* ---------------------------------------------------------------- patterns */

typedef enum PatternKind {
  PAT_WILDCARD, /* _ */
  PAT_BIND,     /* x (lowercase, or uppercase not naming a nullary variant) */
  PAT_INT,      /* 42, -1 */
  PAT_FLOAT,    /* 2.5, -0.5 */
  PAT_STRING,   /* "txt" (no interpolation) */
  PAT_BOOL,
  PAT_UNIT,     /* () or nil */
  PAT_TUPLE,    /* (p1, p2, ...) */
  PAT_CTOR,     /* C, C(p...), T.C, T.C(p...) — nullary when !has_args.
                   The parser makes every bare uppercase name (pattern or plain
                   parameter) a nullary PAT_CTOR; when no variant of that name
                   is in scope the checker treats it as a binding (§6.7). */
  PAT_CONS,     /* head :: tail */
  PAT_OR,       /* p1 | p2 | ... */
  PAT_AS,       /* p as name */
  PAT_ERROR,
} PatternKind;

struct Pattern {
  PatternKind kind;
  Span span;
  Name name;            /* PAT_BIND; PAT_CTOR ctor name; PAT_AS bound name */
  Name qualifier;       /* PAT_CTOR written T.C: the T (text NULL otherwise) */
  bool has_args;        /* PAT_CTOR written with parentheses */
  int64_t int_value;    /* PAT_INT */
  double float_value;   /* PAT_FLOAT */
  bool bool_value;      /* PAT_BOOL */
  const char *str;      /* PAT_STRING decoded */
  uint32_t str_len;
  PatternList elems;    /* PAT_TUPLE elements, PAT_CTOR args, PAT_OR alternatives */
  Pattern *head, *tail; /* PAT_CONS */
  Pattern *inner;       /* PAT_AS */
  /* checker annotations */
  Type *type;
  Binding *binding;     /* PAT_BIND, PAT_AS */
  Variant *variant;     /* PAT_CTOR */
};

/* ---------------------------------------------------------------- expressions */

typedef enum ExprKind {
  EXPR_INT, EXPR_FLOAT, EXPR_BOOL, EXPR_UNIT /* () and nil */,
  EXPR_STRING,      /* parts: literal segments and interpolated exprs */
  EXPR_NAME,        /* x, f, Some, None */
  EXPR_SELF,        /* `self` receiver inside a method */
  EXPR_TUPLE, EXPR_LIST, EXPR_MAP,
  EXPR_UNARY,       /* op, operand */
  EXPR_BINARY,      /* op, lhs, rhs (includes |> ) */
  EXPR_CALL,        /* callee(args) */
  EXPR_FIELD,       /* target.name — field access, qualified name, or method callee */
  EXPR_TRY,         /* operand? */
  EXPR_STRUCT_LIT,  /* Name { f: e, ... } */
  EXPR_INDEX,       /* target[index] (reserved; rejected by the checker) */
  EXPR_IF, EXPR_CASE, EXPR_CLOSURE, EXPR_WHILE, EXPR_FOR,
  EXPR_BREAK, EXPR_CONTINUE,
  EXPR_BLOCK,       /* a statement list (function and branch bodies) */
  EXPR_SPAWN, EXPR_SEND, EXPR_LINK, EXPR_MONITOR, /* args */
  EXPR_SELF_PID,    /* self() */
  EXPR_RECEIVE,
  EXPR_ERROR,       /* placeholder after a parse error */
} ExprKind;

typedef enum BinOp {
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
  OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE,
  OP_AND, OP_OR, /* `and`/`&&`, `or`/`||` */
  OP_CONCAT,     /* <> */
  OP_PLUSPLUS,   /* ++ */
  OP_RANGE,      /* .. */
  OP_PIPE,       /* |> */
} BinOp;

typedef enum UnOp { OP_NEG, OP_NOT } UnOp;

typedef struct StringPart {
  bool is_expr;
  const char *text; /* decoded literal segment */
  uint32_t len;
  Expr *expr;       /* interpolation */
} StringPart;

typedef struct MatchArm {
  Pattern *pattern;
  Expr *guard; /* may be NULL */
  Expr *body;
  Span span;
} MatchArm;
typedef VEC(MatchArm) ArmList;

typedef struct FieldInit {
  Name name;
  Expr *value;
} FieldInit;

typedef struct MapEntry {
  Expr *key, *value;
} MapEntry;

/* A closure or named-function clause: parameters are patterns (a plain
 * parameter is PAT_BIND with an optional annotation). */
typedef struct Param {
  Pattern *pattern;
  TypeExpr *annot; /* may be NULL */
  bool is_self;    /* the `self` receiver parameter */
  Span span;
} Param;
typedef VEC(Param) ParamList;

typedef struct ClosureClause {
  ParamList params;
  Expr *guard;  /* may be NULL */
  Expr *body;   /* arrow bodies: a single expression (EXPR_BLOCK for `fn -> ...`); do: EXPR_BLOCK */
  Span span;
} ClosureClause;
typedef VEC(ClosureClause) ClosureClauseList;

struct Expr {
  ExprKind kind;
  Span span;
  union {
    int64_t int_value;    /* EXPR_INT (always non-negative in source) */
    double float_value;   /* EXPR_FLOAT */
    bool bool_value;      /* EXPR_BOOL */
  };
  Name name;              /* EXPR_NAME; EXPR_FIELD field name; EXPR_STRUCT_LIT type name */
  VEC(StringPart) parts;  /* EXPR_STRING */
  ExprList elems;         /* EXPR_TUPLE, EXPR_LIST; EXPR_CALL/SPAWN/SEND/LINK/MONITOR args */
  VEC(MapEntry) entries;  /* EXPR_MAP */
  VEC(FieldInit) fields;  /* EXPR_STRUCT_LIT */
  BinOp binop;
  UnOp unop;
  Expr *lhs, *rhs;        /* EXPR_BINARY; EXPR_UNARY uses lhs */
  Expr *target;           /* EXPR_CALL callee; EXPR_FIELD/EXPR_INDEX/EXPR_TRY operand;
                             EXPR_CASE scrutinee; EXPR_IF/EXPR_WHILE condition;
                             EXPR_FOR iterated expression */
  Expr *index;            /* EXPR_INDEX */
  Expr *then_branch;      /* EXPR_IF (EXPR_BLOCK); EXPR_WHILE/EXPR_FOR body */
  Expr *else_branch;      /* EXPR_IF: NULL, an EXPR_BLOCK, or an EXPR_IF (else if) */
  ArmList arms;           /* EXPR_CASE, EXPR_RECEIVE */
  Expr *after_timeout;    /* EXPR_RECEIVE `after T -> body` */
  Expr *after_body;
  ClosureClauseList clauses; /* EXPR_CLOSURE */
  Name loop_var;          /* EXPR_FOR: `for x in` (or key of `{k, v}`) */
  Name loop_value;        /* EXPR_FOR: value name of `{k, v}` (text NULL otherwise) */
  bool loop_kv;           /* EXPR_FOR written with `{k, v}` */
  Expr *filter;           /* EXPR_FOR `when` filter */
  StmtList stmts;         /* EXPR_BLOCK */
  uint32_t first_tok, last_tok;

  /* checker annotations */
  Type *type;             /* the expression's type, fully resolved after checking */
  Ref ref;                /* EXPR_NAME; EXPR_FIELD when it names a qualified item */
  StructDecl *struct_decl;/* EXPR_STRUCT_LIT; EXPR_FIELD field access on a struct */
  int field_index;        /* EXPR_FIELD struct field index; EXPR_STRUCT_LIT unused */
  int *field_order;       /* EXPR_STRUCT_LIT: field_order[i] = declaration index of fields[i] */
  bool is_method_call;    /* EXPR_CALL whose callee EXPR_FIELD resolved to a method or
                             library fallback: target->target is the receiver (1st arg) */
  Binding *loop_binding, *loop_value_binding; /* EXPR_FOR */
  Binding **captures;     /* EXPR_CLOSURE: free locals captured by value */
  int ncaptures;
  bool is_tail;           /* EXPR_CALL in tail position (§6.16) */
  bool is_self_tail_call; /* ... to the enclosing named function itself */
  /* actors area (concurrency.md; check/actors.c) */
  Type *msg_type;         /* EXPR_RECEIVE, EXPR_SELF_PID: the process's message type M */
  bool is_spawn_link;     /* EXPR_CALL of the built-in `spawn_link` (not shadowed) */
};

/* ---------------------------------------------------------------- statements */

typedef enum StmtKind {
  STMT_EXPR,
  STMT_LET,    /* let pattern [:: T] = value  (pattern is PAT_BIND or PAT_TUPLE) */
  STMT_RETURN, /* return [value] */
  STMT_ITEM,   /* a nested definition (only `fn` is valid in a block) */
} StmtKind;

struct Stmt {
  StmtKind kind;
  Span span;
  Expr *expr;         /* STMT_EXPR; STMT_LET/STMT_RETURN value (NULL for bare return) */
  Pattern *pattern;   /* STMT_LET */
  TypeExpr *annot;    /* STMT_LET */
  Item *item;         /* STMT_ITEM */
};

/* ---------------------------------------------------------------- items */

typedef struct GenericParam {
  Name name;
} GenericParam;
typedef VEC(GenericParam) GenericList;

typedef struct Bound {
  Name type_param;
  NameVec interface_path; /* dotted; last is the interface name */
} Bound;
typedef VEC(Bound) BoundList;

typedef struct FnClause {
  bool is_pub;
  bool is_def;            /* written with `def` */
  GenericList generics;
  bool has_params;        /* false for `fn main do` */
  ParamList params;
  TypeExpr *ret;          /* may be NULL */
  BoundList where;
  Expr *guard;            /* `when` guard, may be NULL */
  Expr *body;             /* `= expr` or EXPR_BLOCK */
  bool expr_body;         /* written with `=` */
  Span span, header_span;
} FnClause;
typedef VEC(FnClause) FnClauseList;

struct FnDecl {
  Name name;
  FnClauseList clauses; /* >= 1; consecutive same-name definitions */
  Span span;
  /* checker annotations */
  Type *type;           /* function type (with the scheme's variables) */
  Scheme *scheme;
  Module *module;
  bool is_nested;       /* defined inside a block */
  bool is_method;       /* inside an impl / interface default */
  Item *owner;          /* impl/interface/service item for methods */
  int id;               /* unique in the program (for symbol names) */
  Item *actor;          /* actors area: this FnDecl is the body of this ITEM_ACTOR
                           (synthesised by check/actors.c; its scheme also
                           quantifies the message type, see ActorDecl) */
  Type *main_msg_type;  /* the entry `main`: its message type Mmain (§3.4), else NULL */
};

/* User impls of the built-in protocols for a struct/sum type (checker
 * annotation, check/traits.c): the method that replaces the derived
 * behaviour, or NULL. arith[] is add, sub, mul, div, mod. */
typedef struct ProtoImpls {
  FnDecl *to_string, *inspect, *eq, *lt, *compare, *hash, *default_fn;
  FnDecl *arith[5];
} ProtoImpls;

/* Interfaces a struct/sum type has by deriving (checker annotation
 * StructDecl.derives / SumDecl.derives): a struct without a deriving clause
 * gets EQ|ORD|HASH|DEBUG, a sum type EQ|ORD|DEBUG (language.md §5.10). */
enum DeriveFlags {
  DERIVE_EQ = 1u << 0,
  DERIVE_ORD = 1u << 1,
  DERIVE_HASH = 1u << 2,
  DERIVE_DEBUG = 1u << 3,
  DERIVE_DISPLAY = 1u << 4,
  DERIVE_JSON = 1u << 5,
  DERIVE_ROW = 1u << 6,
};

typedef struct FieldDecl {
  Name name;
  TypeExpr *type;
  Span span;
} FieldDecl;
typedef VEC(FieldDecl) FieldDeclList;

struct StructDecl {
  bool is_pub;
  Name name;
  GenericList generics;
  FieldDeclList fields;
  bool has_deriving;
  NameVec deriving;
  Span span;
  /* checker annotations */
  Module *module;
  Type **field_types;   /* in terms of the struct's generic variables */
  Type **generic_vars;
  int id;
  unsigned derives;     /* DERIVE_* bits: interfaces the type has (explicit or default) */
  ProtoImpls *protos;   /* user impls of built-in protocols (NULL: none) */
};

typedef struct VariantField {
  Name name;      /* text NULL when positional */
  TypeExpr *type;
} VariantField;
typedef VEC(VariantField) VariantFieldList;

struct Variant {
  Name name;
  VariantFieldList fields;
  Span span;
  /* checker annotations */
  SumDecl *owner;       /* built-in Option/Result/Ordering too: check_builtin_sum() (check.h) */
  int index;            /* 0-based declaration index */
  Type **field_types;   /* in terms of the sum type's generic variables */
};
typedef VEC(Variant *) VariantList;

struct SumDecl {
  bool is_pub;
  Name name;
  GenericList generics;
  VariantList variants;
  bool has_deriving;
  NameVec deriving;
  Span span;
  /* checker annotations */
  Module *module;
  Type **generic_vars;
  int id;
  unsigned derives;     /* DERIVE_* bits (Option/Result/Ordering: Display|Debug) */
  ProtoImpls *protos;   /* user impls of built-in protocols (NULL: none) */
  bool is_builtin;      /* Option/Result/Ordering: see check_builtin_sum() in check.h */
};

typedef struct AliasDecl {
  bool is_pub;
  Name name;
  GenericList generics;
  TypeExpr *target;
  Span span;
} AliasDecl;

typedef struct MethodSig {
  bool is_def;
  Name name;
  bool has_params;
  ParamList params;
  TypeExpr *ret;
  Expr *default_body; /* NULL when required */
  Span span;
} MethodSig;
typedef VEC(MethodSig) MethodSigList;

typedef struct InterfaceDecl {
  bool is_pub;
  Name name;
  GenericList generics;
  MethodSigList methods;
  Span span;
} InterfaceDecl;

typedef struct ImplDecl {
  NameVec interface_path;
  TypeExprList interface_args;
  NameVec type_path;
  BoundList where;
  VEC(FnDecl *) methods;
  Span span;
} ImplDecl;

typedef struct ActorDecl {
  bool is_pub;
  Name name;
  bool has_params;
  ParamList params;
  StmtList body;
  bool has_terminate;
  Name terminate_reason; /* |reason| (text NULL if absent) */
  Expr *terminate_body;  /* EXPR_BLOCK */
  Span span;
  /* checker annotations (check/actors.c) */
  FnDecl *body_fn;       /* the body as a function (T1..Tn) -> R named like the
                            actor: direct self-calls are REF_FN calls of it */
  Type *msg_type;        /* M, in terms of body_fn->scheme's variables */
  Type *starter_type;    /* (T1..Tn) -> Pid<M>; a REF_ACTOR Ref.inst follows
                            body_fn->scheme->vars */
  Binding **param_bindings; /* the parameters' bindings (terminate sees them) */
  Binding *reason;       /* `|r|` of the terminate clause, or NULL */
} ActorDecl;

typedef enum HandlerKind { HANDLER_CALL, HANDLER_CAST } HandlerKind;
typedef struct ServiceHandler {
  HandlerKind kind;
  Name name;
  bool has_params;
  ParamList params;
  TypeExpr *reply_type; /* call only, may be NULL */
  Name state_name;      /* |state| (text NULL if absent) */
  Expr *body;           /* EXPR_BLOCK */
  Span span;
} ServiceHandler;
typedef VEC(ServiceHandler) HandlerList;

typedef struct ServiceDecl {
  bool is_pub;
  Name name;
  VEC(FnDecl *) fns; /* `fn init` (and invalid extras, reported by the checker) */
  HandlerList handlers;
  Span span;
  /* checker annotations (check/services.c) */
  FnDecl *init;          /* the `fn init`, or NULL (state `()`) */
  FnDecl **handler_fns;  /* per handler: a function (state, params...) -> body type */
  const char **snake;    /* per handler: its generated function name (§13.2) */
  Module *module;
  int id;                /* unique in the program (for symbol names) */
} ServiceDecl;

typedef struct ChildKey {
  Name key;        /* start / restart / shutdown (other names: parse error) */
  Expr *start;     /* start: closure */
  Name value_name; /* restart: name; shutdown: brutal_kill (integer: only .span is set) */
  bool has_int;
  int64_t int_value; /* shutdown: integer */
  Span span;
} ChildKey;
typedef VEC(ChildKey) ChildKeyList;

typedef struct ChildSpec {
  Name name;
  ChildKeyList keys;
  Span span;
} ChildSpec;
typedef VEC(ChildSpec) ChildSpecList;

typedef struct SupervisorDecl {
  bool is_pub;
  Name name;
  bool has_strategy;
  Name strategy;
  bool has_max_restarts, has_max_seconds;
  int64_t max_restarts, max_seconds;
  Span max_restarts_span, max_seconds_span;
  ChildSpecList children;
  Span span;
  Name dup_setting;    /* parser: the first repeated strategy/max_* setting (text NULL: none) */
  /* checker annotations (check/supervisors.c) */
  Module *module;
  int id;              /* unique in the program (for symbol names) */
  bool valid;          /* passed E0018-E0021: lowering may use the fields below */
  int strategy_code;   /* 0 one_for_one, 1 one_for_all, 2 rest_for_one, 3 simple_one_for_one */
  FnDecl **child_fns;  /* per child: a function `() -> start closure` */
  int *restart_codes;  /* per child: 0 permanent, 1 transient, 2 temporary */
  int64_t *shutdown_ms;/* per child: milliseconds, 0 = brutal_kill */
} SupervisorDecl;

typedef struct ImportDecl {
  NameVec path;      /* A.B.C */
  bool is_from;      /* from A.B import x, y */
  NameVec names;     /* imported names (from-import) */
  Span span;
} ImportDecl;

typedef struct ModuleDecl {
  bool is_pub;
  Name name;
  StmtList body;
  Span span;
} ModuleDecl;

typedef enum ItemKind {
  ITEM_FN, ITEM_STRUCT, ITEM_SUM, ITEM_ALIAS, ITEM_INTERFACE, ITEM_IMPL,
  ITEM_ACTOR, ITEM_SERVICE, ITEM_SUPERVISOR, ITEM_MODULE, ITEM_IMPORT,
  ITEM_LET,  /* top-level `let` (type-checked, never evaluated, §3.5) */
  ITEM_EXPR, /* top-level bare expression (likewise) */
} ItemKind;

struct Item {
  ItemKind kind;
  Span span;
  uint32_t first_tok, last_tok;
  union {
    FnDecl *fn;
    StructDecl *struct_decl;
    SumDecl *sum;
    AliasDecl *alias;
    InterfaceDecl *interface;
    ImplDecl *impl;
    ActorDecl *actor;
    ServiceDecl *service;
    SupervisorDecl *supervisor;
    ModuleDecl *module;
    ImportDecl *import;
    Stmt *stmt; /* ITEM_LET, ITEM_EXPR */
  };
};

/* One parsed file. */
struct Module {
  SourceFile *file;
  const char *name;   /* "Main", "Geometry.Shapes" */
  struct Token *tokens; /* all tokens, trivia included (lex/token.h) */
  int ntokens;
  ItemList items;
  bool has_parse_errors;
  void *check_data;   /* private to the checker */
};

#endif
