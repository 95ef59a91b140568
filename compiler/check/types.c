/* types.c — type representation, unification with levels and interface
 * requirements, printing (language.md §8.2), generalisation and
 * instantiation (§5.7). See types.h and check_internal.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check_internal.h"

/* ------------------------------------------------------------ singletons */

static Type int_type = {.kind = T_INT};
static Type float_type = {.kind = T_FLOAT};
static Type bool_type = {.kind = T_BOOL};
static Type string_type = {.kind = T_STRING};
static Type unit_type = {.kind = T_UNIT};
static Type never_type = {.kind = T_NEVER};

Type *type_int(void) {
  return &int_type;
}
Type *type_float(void) {
  return &float_type;
}
Type *type_bool(void) {
  return &bool_type;
}
Type *type_string(void) {
  return &string_type;
}
Type *type_unit(void) {
  return &unit_type;
}
Type *type_never(void) {
  return &never_type;
}

Type *type_con(Arena *a, TypeConKind con, const char *name, Type **args, int n) {
  Type *t = ARENA_NEW(a, Type);
  t->kind = T_CON;
  t->con = con;
  t->name = name;
  t->nargs = n;
  if (n > 0) {
    t->args = ARENA_ARRAY(a, Type *, n);
    memcpy(t->args, args, sizeof(Type *) * (size_t)n);
  }
  if (con == TC_OPTION || con == TC_RESULT || con == TC_ORDERING)
    t->sum_decl = check_builtin_sum((int)con);
  return t;
}

Type *type_list(Arena *a, Type *elem) {
  return type_con(a, TC_LIST, "List", &elem, 1);
}
Type *type_option(Arena *a, Type *elem) {
  return type_con(a, TC_OPTION, "Option", &elem, 1);
}
Type *type_result(Arena *a, Type *ok, Type *err) {
  Type *args[2] = {ok, err};
  return type_con(a, TC_RESULT, "Result", args, 2);
}

Type *type_tuple(Arena *a, Type **elems, int n) {
  Type *t = ARENA_NEW(a, Type);
  t->kind = T_TUPLE;
  t->nargs = n;
  t->args = ARENA_ARRAY(a, Type *, n > 0 ? n : 1);
  if (n > 0) memcpy(t->args, elems, sizeof(Type *) * (size_t)n);
  return t;
}

Type *type_fun(Arena *a, Type **params, int n, Type *ret) {
  Type *t = ARENA_NEW(a, Type);
  t->kind = T_FUN;
  t->nargs = n;
  t->args = ARENA_ARRAY(a, Type *, n > 0 ? n : 1);
  if (n > 0) memcpy(t->args, params, sizeof(Type *) * (size_t)n);
  t->ret = ret;
  return t;
}

Type *new_var(Checker *c) {
  Type *t = ARENA_NEW(c->a, Type);
  t->kind = T_VAR;
  t->var_id = ++c->next_var_id;
  t->level = c->level;
  return t;
}

Type *new_rigid(Checker *c, const char *name) {
  Type *t = new_var(c);
  t->is_generic_param = true;
  t->var_name = name;
  return t;
}

Type *type_resolve(Type *t) {
  while (t && t->kind == T_VAR && t->link)
    t = t->link;
  return t;
}

/* ------------------------------------------------------------ memo tables */

/* A pointer-pair map used by traversals of possibly shared (DAG) types; it
 * is only allocated once a traversal has visited MEMO_AFTER nodes, so small
 * types cost nothing. */
#define MEMO_AFTER 256

typedef struct MemoEntry {
  const void *a, *b;
  void *value;
} MemoEntry;

typedef struct Memo {
  Arena *arena;
  MemoEntry *slots;
  int cap, count;
  long steps;
} Memo;

static size_t memo_hash(const void *a, const void *b) {
  uintptr_t x = (uintptr_t)a * 0x9E3779B97F4A7C15u ^ ((uintptr_t)b + 0x632BE59BD9B4E019u);
  return (size_t)(x ^ (x >> 29));
}

static MemoEntry *memo_find(Memo *m, const void *a, const void *b) {
  if (!m->cap) return NULL;
  size_t i = memo_hash(a, b) & (size_t)(m->cap - 1);
  while (m->slots[i].a) {
    if (m->slots[i].a == a && m->slots[i].b == b) return &m->slots[i];
    i = (i + 1) & (size_t)(m->cap - 1);
  }
  return NULL;
}

static void memo_put(Memo *m, const void *a, const void *b, void *value) {
  if ((m->count + 1) * 2 > m->cap) {
    int ncap = m->cap ? m->cap * 2 : 256;
    MemoEntry *ns = ARENA_ARRAY(m->arena, MemoEntry, ncap);
    for (int k = 0; k < m->cap; k++)
      if (m->slots[k].a) {
        size_t i = memo_hash(m->slots[k].a, m->slots[k].b) & (size_t)(ncap - 1);
        while (ns[i].a)
          i = (i + 1) & (size_t)(ncap - 1);
        ns[i] = m->slots[k];
      }
    m->slots = ns;
    m->cap = ncap;
  }
  size_t i = memo_hash(a, b) & (size_t)(m->cap - 1);
  while (m->slots[i].a && !(m->slots[i].a == a && m->slots[i].b == b))
    i = (i + 1) & (size_t)(m->cap - 1);
  if (!m->slots[i].a) m->count++;
  m->slots[i] = (MemoEntry){a, b, value};
}

/* ------------------------------------------------------------ substitution */

typedef struct Subst {
  Type **vars, **with;
  int n;
  bool default_unit;
  Memo memo;
  long limit; /* composite nodes to copy at most (0: unlimited) */
  bool exceeded;
  Memo var_memo; /* vars -> with, for long variable lists */
} Subst;

static void subst_prepare(Subst *sb) {
  if (sb->n <= 16) return;
  for (int i = 0; i < sb->n; i++) {
    Type *v = type_resolve(sb->vars[i]);
    if (v && !memo_find(&sb->var_memo, v, NULL)) memo_put(&sb->var_memo, v, NULL, sb->with[i]);
  }
}

static Type *subst_rec(Subst *sb, Type *t, int depth) {
  t = type_resolve(t);
  if (!t || depth > TYPE_MAX_DEPTH) return t;
  switch (t->kind) {
  case T_VAR:
    if (sb->var_memo.cap) {
      MemoEntry *hit = memo_find(&sb->var_memo, t, NULL);
      if (hit) return hit->value;
    } else {
      for (int i = 0; i < sb->n; i++)
        if (type_resolve(sb->vars[i]) == t) return sb->with[i];
    }
    return sb->default_unit ? type_unit() : t;
  case T_TUPLE:
  case T_FUN:
  case T_CON: {
    if (t->nargs == 0 && t->kind != T_FUN) return t;
    bool memoize = ++sb->memo.steps > MEMO_AFTER;
    if (sb->limit && sb->memo.steps > sb->limit) {
      sb->exceeded = true;
      return t;
    }
    if (memoize) {
      MemoEntry *hit = memo_find(&sb->memo, t, NULL);
      if (hit) return hit->value;
    }
    bool changed = false;
    Type **args = t->nargs ? ARENA_ARRAY(sb->memo.arena, Type *, t->nargs) : NULL;
    for (int i = 0; i < t->nargs; i++) {
      args[i] = subst_rec(sb, t->args[i], depth + 1);
      if (args[i] != t->args[i]) changed = true;
    }
    Type *ret = t->kind == T_FUN ? subst_rec(sb, t->ret, depth + 1) : NULL;
    if (t->kind == T_FUN && ret != t->ret) changed = true;
    Type *result = t;
    if (changed) {
      result = ARENA_NEW(sb->memo.arena, Type);
      *result = *t;
      result->args = args;
      result->ret = ret;
      result->visit_mark = 0;
    }
    if (memoize) memo_put(&sb->memo, t, NULL, result);
    return result;
  }
  default:
    return t;
  }
}

Type *type_subst(Arena *a, Type *t, Type **vars, Type **with, int n, bool default_unit) {
  Subst sb = {vars, with, n, default_unit, {.arena = a}, 0, false, {.arena = a}};
  subst_prepare(&sb);
  return subst_rec(&sb, t, 0);
}

static bool equal_rec(Type *a, Type *b, int depth) {
  a = type_resolve(a);
  b = type_resolve(b);
  if (a == b) return true;
  if (!a || !b || a->kind != b->kind || depth > TYPE_MAX_DEPTH) return false;
  switch (a->kind) {
  case T_VAR:
    return false;
  case T_CON:
    if (a->con != b->con || a->struct_decl != b->struct_decl || a->sum_decl != b->sum_decl)
      return false;
    if (a->con == TC_OPAQUE && strcmp(a->name ? a->name : "", b->name ? b->name : "") != 0)
      return false;
    /* fallthrough */
  case T_TUPLE:
  case T_FUN:
    if (a->nargs != b->nargs) return false;
    for (int i = 0; i < a->nargs; i++)
      if (!equal_rec(a->args[i], b->args[i], depth + 1)) return false;
    return a->kind != T_FUN || equal_rec(a->ret, b->ret, depth + 1);
  default:
    return true;
  }
}

bool type_equal(Type *a, Type *b) {
  return equal_rec(a, b, 0);
}

/* ------------------------------------------------------------ printing */

typedef struct StrBuf {
  char *data;
  size_t len, cap;
  Arena *a;
} StrBuf;

#define TYPE_STRING_LIMIT 2000

static void sb_add(StrBuf *b, const char *s) {
  size_t n = strlen(s);
  if (b->len >= TYPE_STRING_LIMIT) return;
  if (b->len + n + 1 > b->cap) {
    size_t ncap = (b->cap ? b->cap * 2 : 64);
    while (ncap < b->len + n + 1)
      ncap *= 2;
    char *nd = arena_alloc(b->a, ncap);
    if (b->len) memcpy(nd, b->data, b->len);
    b->data = nd;
    b->cap = ncap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
}

static void print_rec(StrBuf *b, Type *t, int depth) {
  t = type_resolve(t);
  if (!t) {
    sb_add(b, "?");
    return;
  }
  if (depth > 200 || b->len >= TYPE_STRING_LIMIT) {
    sb_add(b, "...");
    return;
  }
  char tmp[32];
  switch (t->kind) {
  case T_VAR:
    if (t->var_name) {
      sb_add(b, t->var_name);
    } else {
      snprintf(tmp, sizeof tmp, "?%d", t->var_id);
      sb_add(b, tmp);
    }
    return;
  case T_INT:
    sb_add(b, "Int");
    return;
  case T_FLOAT:
    sb_add(b, "Float");
    return;
  case T_BOOL:
    sb_add(b, "Bool");
    return;
  case T_STRING:
    sb_add(b, "String");
    return;
  case T_UNIT:
    sb_add(b, "()");
    return;
  case T_NEVER:
    sb_add(b, "Never");
    return;
  case T_TUPLE:
    sb_add(b, "(");
    for (int i = 0; i < t->nargs; i++) {
      if (i) sb_add(b, ", ");
      print_rec(b, t->args[i], depth + 1);
    }
    sb_add(b, ")");
    return;
  case T_FUN:
    sb_add(b, "(");
    for (int i = 0; i < t->nargs; i++) {
      if (i) sb_add(b, ", ");
      print_rec(b, t->args[i], depth + 1);
    }
    sb_add(b, ") -> ");
    print_rec(b, t->ret, depth + 1);
    return;
  case T_CON:
    sb_add(b, t->name ? t->name : "?");
    if (t->nargs > 0) {
      sb_add(b, "<");
      for (int i = 0; i < t->nargs; i++) {
        if (i) sb_add(b, ", ");
        print_rec(b, t->args[i], depth + 1);
      }
      sb_add(b, ">");
    }
    return;
  }
}

const char *type_to_string(Arena *a, Type *t) {
  StrBuf b = {.a = a};
  print_rec(&b, t, 0);
  return b.data ? b.data : "";
}

const char *tstr(Checker *c, Type *t) {
  return type_to_string(c->a, t);
}

/* ------------------------------------------------------------ interfaces */

const char *iface_name(unsigned bit) {
  switch (bit) {
  case IFACE_EQ:
    return "Eq";
  case IFACE_ORD:
    return "Ord";
  case IFACE_HASH:
    return "Hash";
  case IFACE_DEBUG:
    return "Debug";
  case IFACE_DISPLAY:
    return "Display";
  case DERIVE_JSON:
    return "Json";
  case DERIVE_ROW:
    return "Row";
  case IFACE_ADD:
    return "Add";
  case IFACE_SUB:
    return "Sub";
  case IFACE_MUL:
    return "Mul";
  case IFACE_DIV:
    return "Div";
  case IFACE_MOD:
    return "Mod";
  case IFACE_NEG:
    return "Neg";
  case IFACE_CONCAT:
    return "Concat";
  case IFACE_DEFAULT:
    return "Default";
  default:
    return "?";
  }
}

#define ARITH (IFACE_ADD | IFACE_SUB | IFACE_MUL | IFACE_DIV | IFACE_MOD | IFACE_NEG)
#define SHOW (IFACE_DEBUG | IFACE_DISPLAY)

/* Interfaces a non-variable type has unconditionally (§5.9, §5.10). */
static unsigned ifaces_of(Type *t) {
  switch (t->kind) {
  case T_INT:
  case T_FLOAT:
    return IFACE_EQ | IFACE_ORD | IFACE_HASH | SHOW | ARITH | IFACE_DEFAULT;
  case T_BOOL:
    return IFACE_EQ | IFACE_HASH | SHOW | IFACE_DEFAULT;
  case T_STRING:
    return IFACE_EQ | IFACE_ORD | IFACE_HASH | SHOW | IFACE_CONCAT | IFACE_DEFAULT;
  case T_UNIT:
    return SHOW;
  case T_NEVER:
    return ~0u;
  case T_TUPLE:
    return SHOW;
  case T_FUN:
    return 0;
  case T_VAR:
    return 0;
  case T_CON:
    switch (t->con) {
    case TC_LIST:
      return SHOW | IFACE_EQ | IFACE_ORD | IFACE_CONCAT; /* Eq/Ord need the element's */
    case TC_MAP:
    case TC_SET:
    case TC_OPTION:
    case TC_RESULT:
    case TC_ORDERING:
      return SHOW;
    case TC_PID:
      return SHOW | IFACE_EQ | IFACE_HASH;
    case TC_STRUCT:
      return t->struct_decl ? t->struct_decl->derives : 0;
    case TC_SUM:
      return t->sum_decl ? t->sum_decl->derives : 0;
    default:
      return 0;
    }
  }
  return 0;
}

static UnifyStatus require_rec(Checker *c, Type *t, unsigned bits, UnifyError *err, int depth) {
  t = type_resolve(t);
  if (!bits || !t) return UNIFY_OK;
  if (t->kind == T_VAR) {
    /* A declared generic parameter collects its requirements like any
     * variable (checked where the function is instantiated): `where`
     * clauses are not supported yet, so this is the lenient reading. */
    if (t->quantified) {
      err->status = UNIFY_IFACE;
      err->iface_type = t;
      err->iface = bits & -bits;
      return UNIFY_IFACE;
    }
    t->constraints |= bits;
    return UNIFY_OK;
  }
  unsigned have = ifaces_of(t) | traits_primitive_ifaces(c, t); /* + user impls (traits.c) */
  unsigned missing = bits & ~have;
  if (missing) {
    err->status = UNIFY_IFACE;
    err->iface_type = t;
    err->iface = missing & -missing;
    return UNIFY_IFACE;
  }
  /* List<T> has Eq/Ord when T does. */
  if (t->kind == T_CON && t->con == TC_LIST && (bits & (IFACE_EQ | IFACE_ORD)) &&
      depth < TYPE_MAX_DEPTH) {
    UnifyStatus s = require_rec(c, t->args[0], bits & (IFACE_EQ | IFACE_ORD), err, depth + 1);
    if (s != UNIFY_OK) {
      /* report the whole list type as lacking the interface */
      err->iface_type = t;
      return s;
    }
  }
  return UNIFY_OK;
}

UnifyStatus require_iface(Checker *c, Type *t, unsigned bits, UnifyError *err) {
  err->status = UNIFY_OK;
  return require_rec(c, t, bits, err, 0);
}

/* ------------------------------------------------------------ unification */

unsigned new_epoch(Checker *c) {
  return ++c->epoch;
}

/* Occurs check and level adjustment of the variables of `t` (each shared
 * node once per check: types may be DAGs of exponential tree size). */
static bool occurs_adjust(Type *v, Type *t, int level, unsigned epoch, int depth) {
  t = type_resolve(t);
  if (!t || depth > TYPE_MAX_DEPTH) return false;
  if (t == v) return true;
  if (t->kind == T_VAR) {
    if (!t->is_generic_param && t->level > level) t->level = level;
    return false;
  }
  if (t->nargs == 0 && t->kind != T_FUN) return false;
  if (t->visit_mark == epoch) return false;
  t->visit_mark = epoch;
  for (int i = 0; i < t->nargs; i++)
    if (occurs_adjust(v, t->args[i], level, epoch, depth + 1)) return true;
  if (t->kind == T_FUN && occurs_adjust(v, t->ret, level, epoch, depth + 1)) return true;
  return false;
}

static UnifyStatus bind_var(Checker *c, Type *v, Type *t, UnifyError *err) {
  if (occurs_adjust(v, t, v->level, new_epoch(c), 0)) {
    err->status = UNIFY_OCCURS;
    err->var = v;
    err->in = t;
    return UNIFY_OCCURS;
  }
  unsigned cons = v->constraints;
  v->link = t;
  if (cons) return require_rec(c, t, cons, err, 0);
  return UNIFY_OK;
}

static UnifyStatus unify_rec(Checker *c, Type *a, Type *b, UnifyError *err, Memo *memo, int depth) {
  a = type_resolve(a);
  b = type_resolve(b);
  if (a == b) return UNIFY_OK;
  if (!a || !b) return UNIFY_OK;
  if (depth > TYPE_MAX_DEPTH) return err->status = UNIFY_MISMATCH;
  if (a->kind == T_NEVER || b->kind == T_NEVER) return UNIFY_OK;
  bool a_flex = a->kind == T_VAR && !a->is_generic_param && !a->quantified;
  bool b_flex = b->kind == T_VAR && !b->is_generic_param && !b->quantified;
  if (a_flex && b_flex) {
    /* keep the outer (lower) level; merge the requirements */
    if (b->level > a->level) b->level = a->level;
    return bind_var(c, a, b, err);
  }
  if (a_flex) return bind_var(c, a, b, err);
  if (b_flex) return bind_var(c, b, a, err);
  if (a->kind != b->kind) return err->status = UNIFY_MISMATCH;
  switch (a->kind) {
  case T_VAR: /* two distinct rigid variables */
    return err->status = UNIFY_MISMATCH;
  case T_CON:
    if (a->con != b->con || a->struct_decl != b->struct_decl || a->sum_decl != b->sum_decl)
      return err->status = UNIFY_MISMATCH;
    if (a->con == TC_OPAQUE && strcmp(a->name ? a->name : "", b->name ? b->name : "") != 0)
      return err->status = UNIFY_MISMATCH;
    if (a->con == TC_PID && a->nargs != b->nargs) return UNIFY_OK; /* untyped Pid */
    /* fallthrough */
  case T_TUPLE:
  case T_FUN: {
    if (a->nargs != b->nargs) return err->status = UNIFY_MISMATCH;
    /* shared sub-DAGs: a pair unified once stays unified */
    bool memoize = ++memo->steps > MEMO_AFTER;
    if (memoize && memo_find(memo, a, b)) return UNIFY_OK;
    for (int i = 0; i < a->nargs; i++) {
      UnifyStatus s = unify_rec(c, a->args[i], b->args[i], err, memo, depth + 1);
      if (s != UNIFY_OK) return s;
    }
    if (a->kind == T_FUN) {
      UnifyStatus s = unify_rec(c, a->ret, b->ret, err, memo, depth + 1);
      if (s != UNIFY_OK) return s;
    }
    if (memoize) memo_put(memo, a, b, NULL);
    return UNIFY_OK;
  }
  default:
    return UNIFY_OK; /* equal scalar kinds */
  }
}

UnifyStatus unify(Checker *c, Type *a, Type *b, UnifyError *err) {
  err->status = UNIFY_OK;
  Memo memo = {.arena = c->a};
  return unify_rec(c, a, b, err, &memo, 0);
}

/* ------------------------------------------------------------ reporting */

static const char *mismatch_help(Type *expected, Type *found) {
  expected = type_resolve(expected);
  found = type_resolve(found);
  if (!expected || !found) return NULL;
  /* expected Option<B> / Result<B, _> and found B (or B still open) */
  if (expected->kind == T_CON && (expected->con == TC_OPTION || expected->con == TC_RESULT) &&
      expected->nargs > 0 && !(found->kind == T_CON && found->con == expected->con)) {
    Type *inner = type_resolve(expected->args[0]);
    if (inner && (inner->kind == T_VAR || type_equal(inner, found)))
      return expected->con == TC_OPTION ? "wrap in Some(...)" : "wrap in Ok(...)";
  }
  if (expected->kind == T_INT && found->kind == T_FLOAT) return "use Int conversion";
  if (expected->kind == T_FLOAT && found->kind == T_INT) return "use Float conversion";
  if (expected->kind == T_STRING && (found->kind == T_INT || found->kind == T_FLOAT))
    return "use to_string()";
  if (expected->kind == T_BOOL) return "expected a boolean expression";
  return NULL;
}

static void report_iface(Checker *c, Type *t, unsigned bit, Span span) {
  const char *ts = tstr(c, t);
  if (bit == IFACE_NEG || bit == IFACE_CONCAT) {
    const char *want = bit == IFACE_NEG ? "Int" : "String";
    Diagnostic *d =
        diag_error(c->dc, "E0001", c->mod->file, span, arena_printf(c->a, "expected %s", want),
                   "expected %s, found %s", want, ts);
    const char *h = mismatch_help(bit == IFACE_NEG ? type_int() : type_string(), t);
    if (h) diag_set_help(c->dc, d, "%s", h);
    return;
  }
  const char *in = iface_name(bit);
  Diagnostic *d = diag_error(c->dc, "E0006", c->mod->file, span,
                             arena_printf(c->a, "%s does not satisfy %s", ts, in),
                             "%s does not implement %s", ts, in);
  diag_set_help(c->dc, d, "add `impl %s for %s do ... end`", in, ts);
}

void report_unify_error(Checker *c, UnifyError *e, Type *expected, Type *found, Span span,
                        const char *label, Span *second, const char *second_label) {
  switch (e->status) {
  case UNIFY_OK:
    return;
  case UNIFY_OCCURS: {
    Diagnostic *d = diag_error(c->dc, "E0002", c->mod->file, span, "recursive type here",
                               "infinite type: ?%d occurs in %s", e->var->var_id, tstr(c, e->in));
    diag_set_help(c->dc, d, "a value cannot have a type that refers to itself");
    return;
  }
  case UNIFY_IFACE:
    report_iface(c, e->iface_type, e->iface, span);
    return;
  case UNIFY_MISMATCH: {
    const char *es = tstr(c, expected), *fs = tstr(c, found);
    Diagnostic *d = diag_error(c->dc, "E0001", c->mod->file, span,
                               label ? label : arena_printf(c->a, "expected %s", es),
                               "expected %s, found %s", es, fs);
    if (second) diag_add_label(c->dc, d, *second, second_label);
    const char *h = mismatch_help(expected, found);
    if (h) diag_set_help(c->dc, d, "%s", h);
    return;
  }
  }
}

bool expect_type(Checker *c, Type *expected, Type *found, Span span, const char *label) {
  UnifyError e;
  if (unify(c, expected, found, &e) == UNIFY_OK) return true;
  report_unify_error(c, &e, expected, found, span, label, NULL, NULL);
  return false;
}

bool require_or_report(Checker *c, Type *t, unsigned bits, Span span) {
  UnifyError e;
  if (require_iface(c, t, bits, &e) == UNIFY_OK) return true;
  report_iface(c, e.iface_type, e.iface, span);
  return false;
}

/* ------------------------------------------------------------ schemes */

typedef VEC(Type *) TypeVec;

static void collect_gen(Checker *c, Type *t, int level, TypeVec *out, unsigned epoch, int depth) {
  t = type_resolve(t);
  if (!t || depth > TYPE_MAX_DEPTH) return;
  if (t->kind == T_VAR) {
    /* constant (static) variables are all quantified: never marked here */
    if (t->level > level && !t->quantified && t->visit_mark != epoch) {
      t->visit_mark = epoch;
      VEC_PUSH(c->a, *out, t);
    }
    return;
  }
  /* only composite nodes are marked (leaves may be shared constants) */
  if (t->visit_mark == epoch) return;
  if (t->nargs > 0 || t->kind == T_FUN) t->visit_mark = epoch;
  for (int i = 0; i < t->nargs; i++)
    collect_gen(c, t->args[i], level, out, epoch, depth + 1);
  if (t->kind == T_FUN) collect_gen(c, t->ret, level, out, epoch, depth + 1);
}

static Scheme *collect_scheme(Checker *c, Type *t, int level) {
  TypeVec vars = {0};
  collect_gen(c, t, level, &vars, new_epoch(c), 0);
  Scheme *s = ARENA_NEW(c->a, Scheme);
  s->type = t;
  s->vars = vars.items;
  s->nvars = vars.len;
  return s;
}

static void mark_quantified(Scheme *s) {
  for (int i = 0; i < s->nvars; i++)
    s->vars[i]->quantified = true;
}

Scheme *generalize(Checker *c, Type *t, int level) {
  Scheme *s = collect_scheme(c, t, level);
  mark_quantified(s);
  return s;
}

/* Members of one recursive group share type variables (q calls part with its
 * own `a`), so every member's scheme must list the shared variables: collect
 * all schemes before marking any variable quantified. */
void generalize_group(Checker *c, FnDecl **fns, int n, int level) {
  for (int i = 0; i < n; i++) {
    fns[i]->scheme = collect_scheme(c, actors_scheme_source(c, fns[i]), level);
    fns[i]->scheme->type = fns[i]->type;
  }
  for (int i = 0; i < n; i++)
    mark_quantified(fns[i]->scheme);
}

Type *instantiate(Checker *c, Scheme *s, Type ***inst, int *ninst) {
  if (!s || s->nvars == 0) {
    if (inst) *inst = NULL;
    if (ninst) *ninst = 0;
    return s ? s->type : NULL;
  }
  if (c->type_too_large || s->nvars > INSTANTIATE_LIMIT / 8) {
    /* already failing: stop copying exponential types */
    c->type_too_large = true;
    if (inst) *inst = NULL;
    if (ninst) *ninst = 0;
    return s->type;
  }
  Type **with = ARENA_ARRAY(c->a, Type *, s->nvars);
  for (int i = 0; i < s->nvars; i++) {
    with[i] = new_var(c);
    with[i]->constraints = s->vars[i]->constraints;
  }
  if (inst) *inst = with;
  if (ninst) *ninst = s->nvars;
  /* HM types can grow exponentially through instantiation; cap the copy */
  Subst sb = {s->vars,           with,  s->nvars,       false, {.arena = c->a},
              INSTANTIATE_LIMIT, false, {.arena = c->a}};
  subst_prepare(&sb);
  Type *t = subst_rec(&sb, s->type, 0);
  if (sb.exceeded) c->type_too_large = true;
  return t;
}

/* Path compression in place: a link and its target denote the same type
 * forever, so replacing one by the other never changes meaning. */
static Type *zonk_rec(Type *t, unsigned epoch, int depth) {
  t = type_resolve(t);
  if (!t || depth > TYPE_MAX_DEPTH || (t->nargs == 0 && t->kind != T_FUN) || t->visit_mark == epoch)
    return t;
  t->visit_mark = epoch;
  for (int i = 0; i < t->nargs; i++)
    t->args[i] = zonk_rec(t->args[i], epoch, depth + 1);
  if (t->kind == T_FUN) t->ret = zonk_rec(t->ret, epoch, depth + 1);
  return t;
}

Type *zonk(Checker *c, Type *t, unsigned epoch) {
  (void)c;
  return zonk_rec(t, epoch, 0);
}

static bool unbound_rec(Type *t, unsigned epoch, int depth) {
  t = type_resolve(t);
  if (!t || depth > TYPE_MAX_DEPTH) return false;
  if (t->kind == T_VAR) return !t->quantified && !t->is_generic_param;
  if ((t->nargs == 0 && t->kind != T_FUN) || t->visit_mark == epoch) return false;
  t->visit_mark = epoch;
  for (int i = 0; i < t->nargs; i++)
    if (unbound_rec(t->args[i], epoch, depth + 1)) return true;
  return t->kind == T_FUN && unbound_rec(t->ret, epoch, depth + 1);
}

bool type_has_unbound(Checker *c, Type *t) {
  return unbound_rec(t, new_epoch(c), 0);
}
