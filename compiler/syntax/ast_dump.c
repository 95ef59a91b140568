/* ast_dump.c — prints a Module as an indented S-expression tree, one node
 * per line: `(kind detail` ... `)`. Used by `snowc build --dump-ast` and by
 * the parser tests, which compare against expected shapes. */
#include <inttypes.h>
#include <string.h>

#include "parser.h"

typedef struct Dumper {
  FILE *out;
  int indent;
} Dumper;

static void line(Dumper *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void line(Dumper *d, const char *fmt, ...) {
  for (int i = 0; i < d->indent; i++)
    fputs("  ", d->out);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(d->out, fmt, ap);
  va_end(ap);
  fputc('\n', d->out);
}

static void quoted(FILE *out, const char *s, uint32_t n) {
  fputc('"', out);
  for (uint32_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      fprintf(out, "\\%c", c);
    else if (c == '\n')
      fputs("\\n", out);
    else if (c == '\t')
      fputs("\\t", out);
    else if (c == '\r')
      fputs("\\r", out);
    else if (c < 0x20)
      fprintf(out, "\\x%02x", c);
    else
      fputc(c, out);
  }
  fputc('"', out);
}

static const char *binop_text(BinOp op) {
  static const char *t[] = {"+",  "-",  "*",   "/",  "%",  "==", "!=", "<", ">",
                            "<=", ">=", "and", "or", "<>", "++", "..", "|>"};
  return (unsigned)op < sizeof t / sizeof t[0] ? t[op] : "?";
}

static void dump_expr(Dumper *d, const Expr *e);
static void dump_pattern(Dumper *d, const Pattern *p);
static void dump_stmts(Dumper *d, const StmtList *s);
static void dump_item(Dumper *d, const Item *it);

static void type_text(FILE *out, const TypeExpr *t) {
  if (!t) {
    fputs("?", out);
    return;
  }
  switch (t->kind) {
  case TE_NAMED:
    for (int i = 0; i < t->path.len; i++)
      fprintf(out, "%s%s", i ? "." : "", t->path.items[i].text);
    if (t->args.len) {
      fputc('<', out);
      for (int i = 0; i < t->args.len; i++) {
        if (i) fputs(", ", out);
        type_text(out, t->args.items[i]);
      }
      fputc('>', out);
    }
    break;
  case TE_UNIT:
    fputs("()", out);
    break;
  case TE_TUPLE:
    fputc('(', out);
    for (int i = 0; i < t->args.len; i++) {
      if (i) fputs(", ", out);
      type_text(out, t->args.items[i]);
    }
    fputc(')', out);
    break;
  case TE_FUN:
    fputs("Fun(", out);
    for (int i = 0; i < t->args.len; i++) {
      if (i) fputs(", ", out);
      type_text(out, t->args.items[i]);
    }
    fputs(") -> ", out);
    type_text(out, t->ret);
    break;
  case TE_OPTION:
    fputs("Option<", out);
    type_text(out, t->elem);
    fputc('>', out);
    break;
  case TE_RESULT:
    fputs("Result<", out);
    type_text(out, t->elem);
    fputs(", ", out);
    type_text(out, t->err);
    fputc('>', out);
    break;
  }
}

static void dump_type(Dumper *d, const char *label, const TypeExpr *t) {
  if (!t) return;
  for (int i = 0; i < d->indent; i++)
    fputs("  ", d->out);
  fprintf(d->out, "(%s ", label);
  type_text(d->out, t);
  fputs(")\n", d->out);
}

static void dump_pattern(Dumper *d, const Pattern *p) {
  if (!p) {
    line(d, "(null-pattern)");
    return;
  }
  switch (p->kind) {
  case PAT_WILDCARD:
    line(d, "(pwild)");
    return;
  case PAT_BIND:
    line(d, "(pbind %s)", p->name.text);
    return;
  case PAT_INT:
    line(d, "(pint %" PRId64 ")", p->int_value);
    return;
  case PAT_FLOAT:
    line(d, "(pfloat %.17g)", p->float_value);
    return;
  case PAT_BOOL:
    line(d, "(pbool %s)", p->bool_value ? "true" : "false");
    return;
  case PAT_UNIT:
    line(d, "(punit)");
    return;
  case PAT_ERROR:
    line(d, "(perror)");
    return;
  case PAT_STRING:
    for (int i = 0; i < d->indent; i++)
      fputs("  ", d->out);
    fputs("(pstring ", d->out);
    quoted(d->out, p->str, p->str_len);
    fputs(")\n", d->out);
    return;
  case PAT_CTOR:
    if (p->qualifier.text)
      line(d, "(pctor %s.%s%s", p->qualifier.text, p->name.text, p->has_args ? "" : " nullary");
    else
      line(d, "(pctor %s%s", p->name.text, p->has_args ? "" : " nullary");
    break;
  case PAT_TUPLE:
    line(d, "(ptuple");
    break;
  case PAT_OR:
    line(d, "(por");
    break;
  case PAT_CONS:
    line(d, "(pcons");
    d->indent++;
    dump_pattern(d, p->head);
    dump_pattern(d, p->tail);
    d->indent--;
    line(d, ")");
    return;
  case PAT_AS:
    line(d, "(pas %s", p->name.text);
    d->indent++;
    dump_pattern(d, p->inner);
    d->indent--;
    line(d, ")");
    return;
  }
  d->indent++;
  for (int i = 0; i < p->elems.len; i++)
    dump_pattern(d, p->elems.items[i]);
  d->indent--;
  line(d, ")");
}

static void dump_params(Dumper *d, const ParamList *ps) {
  for (int i = 0; i < ps->len; i++) {
    const Param *pr = &ps->items[i];
    if (pr->is_self) {
      line(d, "(param self)");
      continue;
    }
    line(d, "(param");
    d->indent++;
    dump_pattern(d, pr->pattern);
    dump_type(d, "annot", pr->annot);
    d->indent--;
    line(d, ")");
  }
}

static void dump_labeled(Dumper *d, const char *label, const Expr *e) {
  if (!e) return;
  line(d, "(%s", label);
  d->indent++;
  dump_expr(d, e);
  d->indent--;
  line(d, ")");
}

static void dump_arms(Dumper *d, const ArmList *arms) {
  for (int i = 0; i < arms->len; i++) {
    const MatchArm *a = &arms->items[i];
    line(d, "(arm");
    d->indent++;
    dump_pattern(d, a->pattern);
    dump_labeled(d, "guard", a->guard);
    dump_expr(d, a->body);
    d->indent--;
    line(d, ")");
  }
}

static void dump_children(Dumper *d, const ExprList *l) {
  for (int i = 0; i < l->len; i++)
    dump_expr(d, l->items[i]);
}

static void dump_expr(Dumper *d, const Expr *e) {
  if (!e) {
    line(d, "(null)");
    return;
  }
  switch (e->kind) {
  case EXPR_INT:
    line(d, "(int %" PRId64 ")", e->int_value);
    return;
  case EXPR_FLOAT:
    line(d, "(float %.17g)", e->float_value);
    return;
  case EXPR_BOOL:
    line(d, "(bool %s)", e->bool_value ? "true" : "false");
    return;
  case EXPR_UNIT:
    line(d, "(unit)");
    return;
  case EXPR_NAME:
    line(d, "(name %s)", e->name.text);
    return;
  case EXPR_SELF:
    line(d, "(self)");
    return;
  case EXPR_SELF_PID:
    line(d, "(self-pid)");
    return;
  case EXPR_BREAK:
    line(d, "(break)");
    return;
  case EXPR_CONTINUE:
    line(d, "(continue)");
    return;
  case EXPR_ERROR:
    line(d, "(error)");
    return;
  case EXPR_STRING:
    line(d, "(string");
    d->indent++;
    for (int i = 0; i < e->parts.len; i++) {
      const StringPart *sp = &e->parts.items[i];
      if (sp->is_expr) {
        dump_labeled(d, "interp", sp->expr);
      } else {
        for (int j = 0; j < d->indent; j++)
          fputs("  ", d->out);
        quoted(d->out, sp->text, sp->len);
        fputc('\n', d->out);
      }
    }
    d->indent--;
    line(d, ")");
    return;
  case EXPR_TUPLE:
    line(d, "(tuple");
    d->indent++;
    dump_children(d, &e->elems);
    break;
  case EXPR_LIST:
    line(d, "(list");
    d->indent++;
    dump_children(d, &e->elems);
    break;
  case EXPR_MAP:
    line(d, "(map");
    d->indent++;
    for (int i = 0; i < e->entries.len; i++) {
      line(d, "(entry");
      d->indent++;
      dump_expr(d, e->entries.items[i].key);
      dump_expr(d, e->entries.items[i].value);
      d->indent--;
      line(d, ")");
    }
    break;
  case EXPR_UNARY:
    line(d, "(unary %s", e->unop == OP_NEG ? "-" : "not");
    d->indent++;
    dump_expr(d, e->lhs);
    break;
  case EXPR_BINARY:
    line(d, "(binary %s", binop_text(e->binop));
    d->indent++;
    dump_expr(d, e->lhs);
    dump_expr(d, e->rhs);
    break;
  case EXPR_CALL:
    line(d, "(call");
    d->indent++;
    dump_expr(d, e->target);
    dump_children(d, &e->elems);
    break;
  case EXPR_FIELD:
    line(d, "(field %s", e->name.text);
    d->indent++;
    dump_expr(d, e->target);
    break;
  case EXPR_TRY:
    line(d, "(try");
    d->indent++;
    dump_expr(d, e->target);
    break;
  case EXPR_INDEX:
    line(d, "(index");
    d->indent++;
    dump_expr(d, e->target);
    dump_expr(d, e->index);
    break;
  case EXPR_STRUCT_LIT:
    line(d, "(struct-lit %s", e->name.text);
    d->indent++;
    for (int i = 0; i < e->fields.len; i++) {
      line(d, "(field-init %s", e->fields.items[i].name.text);
      d->indent++;
      dump_expr(d, e->fields.items[i].value);
      d->indent--;
      line(d, ")");
    }
    break;
  case EXPR_IF:
    line(d, "(if");
    d->indent++;
    dump_expr(d, e->target);
    dump_expr(d, e->then_branch);
    dump_labeled(d, "else", e->else_branch);
    break;
  case EXPR_CASE:
    line(d, "(case");
    d->indent++;
    dump_expr(d, e->target);
    dump_arms(d, &e->arms);
    break;
  case EXPR_RECEIVE:
    line(d, "(receive");
    d->indent++;
    dump_arms(d, &e->arms);
    if (e->after_timeout) {
      line(d, "(after");
      d->indent++;
      dump_expr(d, e->after_timeout);
      dump_expr(d, e->after_body);
      d->indent--;
      line(d, ")");
    }
    break;
  case EXPR_CLOSURE:
    line(d, "(closure");
    d->indent++;
    for (int i = 0; i < e->clauses.len; i++) {
      const ClosureClause *c = &e->clauses.items[i];
      line(d, "(clause");
      d->indent++;
      dump_params(d, &c->params);
      dump_labeled(d, "guard", c->guard);
      dump_expr(d, c->body);
      d->indent--;
      line(d, ")");
    }
    break;
  case EXPR_WHILE:
    line(d, "(while");
    d->indent++;
    dump_expr(d, e->target);
    dump_expr(d, e->then_branch);
    break;
  case EXPR_FOR:
    if (e->loop_kv)
      line(d, "(for {%s, %s}", e->loop_var.text, e->loop_value.text);
    else
      line(d, "(for %s", e->loop_var.text);
    d->indent++;
    dump_expr(d, e->target);
    dump_labeled(d, "when", e->filter);
    dump_expr(d, e->then_branch);
    break;
  case EXPR_BLOCK:
    line(d, "(block");
    d->indent++;
    dump_stmts(d, &e->stmts);
    break;
  case EXPR_SPAWN:
    line(d, "(spawn");
    d->indent++;
    dump_children(d, &e->elems);
    break;
  case EXPR_SEND:
    line(d, "(send");
    d->indent++;
    dump_children(d, &e->elems);
    break;
  case EXPR_LINK:
    line(d, "(link");
    d->indent++;
    dump_children(d, &e->elems);
    break;
  case EXPR_MONITOR:
    line(d, "(monitor");
    d->indent++;
    dump_children(d, &e->elems);
    break;
  }
  d->indent--;
  line(d, ")");
}

static void dump_stmt(Dumper *d, const Stmt *s) {
  switch (s->kind) {
  case STMT_EXPR:
    dump_expr(d, s->expr);
    return;
  case STMT_LET:
    line(d, "(let");
    d->indent++;
    dump_pattern(d, s->pattern);
    dump_type(d, "annot", s->annot);
    dump_expr(d, s->expr);
    d->indent--;
    line(d, ")");
    return;
  case STMT_RETURN:
    if (!s->expr) {
      line(d, "(return)");
      return;
    }
    line(d, "(return");
    d->indent++;
    dump_expr(d, s->expr);
    d->indent--;
    line(d, ")");
    return;
  case STMT_ITEM:
    dump_item(d, s->item);
    return;
  }
}

static void dump_stmts(Dumper *d, const StmtList *s) {
  for (int i = 0; i < s->len; i++)
    dump_stmt(d, s->items[i]);
}

static void dump_generics(Dumper *d, const GenericList *g) {
  if (!g->len) return;
  for (int i = 0; i < d->indent; i++)
    fputs("  ", d->out);
  fputs("(generics", d->out);
  for (int i = 0; i < g->len; i++)
    fprintf(d->out, " %s", g->items[i].name.text);
  fputs(")\n", d->out);
}

static void dump_where(Dumper *d, const BoundList *b) {
  for (int i = 0; i < b->len; i++) {
    for (int j = 0; j < d->indent; j++)
      fputs("  ", d->out);
    fprintf(d->out, "(where %s:", b->items[i].type_param.text);
    for (int j = 0; j < b->items[i].interface_path.len; j++)
      fprintf(d->out, "%s%s", j ? "." : " ", b->items[i].interface_path.items[j].text);
    fputs(")\n", d->out);
  }
}

static void dump_fn(Dumper *d, const FnDecl *fn) {
  line(d, "(fn %s", fn->name.text);
  d->indent++;
  for (int i = 0; i < fn->clauses.len; i++) {
    const FnClause *c = &fn->clauses.items[i];
    line(d, "(clause%s%s%s%s", c->is_pub ? " pub" : "", c->is_def ? " def" : "",
         c->has_params ? "" : " no-parens", c->expr_body ? " =" : "");
    d->indent++;
    dump_generics(d, &c->generics);
    dump_params(d, &c->params);
    dump_type(d, "returns", c->ret);
    dump_where(d, &c->where);
    dump_labeled(d, "when", c->guard);
    dump_expr(d, c->body);
    d->indent--;
    line(d, ")");
  }
  d->indent--;
  line(d, ")");
}

static void dump_names(Dumper *d, const char *label, const NameVec *n, const char *sep) {
  for (int i = 0; i < d->indent; i++)
    fputs("  ", d->out);
  fprintf(d->out, "(%s", label);
  for (int i = 0; i < n->len; i++)
    fprintf(d->out, "%s%s", i ? sep : " ", n->items[i].text);
  fputs(")\n", d->out);
}

static void dump_item(Dumper *d, const Item *it) {
  switch (it->kind) {
  case ITEM_FN:
    dump_fn(d, it->fn);
    return;
  case ITEM_LET:
  case ITEM_EXPR:
    dump_stmt(d, it->stmt);
    return;
  case ITEM_STRUCT: {
    const StructDecl *s = it->struct_decl;
    line(d, "(struct%s %s", s->is_pub ? " pub" : "", s->name.text);
    d->indent++;
    dump_generics(d, &s->generics);
    for (int i = 0; i < s->fields.len; i++) {
      for (int j = 0; j < d->indent; j++)
        fputs("  ", d->out);
      fprintf(d->out, "(field %s ", s->fields.items[i].name.text);
      type_text(d->out, s->fields.items[i].type);
      fputs(")\n", d->out);
    }
    if (s->has_deriving) dump_names(d, "deriving", &s->deriving, " ");
    break;
  }
  case ITEM_SUM: {
    const SumDecl *s = it->sum;
    line(d, "(type%s %s", s->is_pub ? " pub" : "", s->name.text);
    d->indent++;
    dump_generics(d, &s->generics);
    for (int i = 0; i < s->variants.len; i++) {
      const Variant *v = s->variants.items[i];
      for (int j = 0; j < d->indent; j++)
        fputs("  ", d->out);
      fprintf(d->out, "(variant %s", v->name.text);
      for (int j = 0; j < v->fields.len; j++) {
        fputc(' ', d->out);
        if (v->fields.items[j].name.text) fprintf(d->out, "%s::", v->fields.items[j].name.text);
        type_text(d->out, v->fields.items[j].type);
      }
      fputs(")\n", d->out);
    }
    if (s->has_deriving) dump_names(d, "deriving", &s->deriving, " ");
    break;
  }
  case ITEM_ALIAS:
    line(d, "(alias%s %s", it->alias->is_pub ? " pub" : "", it->alias->name.text);
    d->indent++;
    dump_generics(d, &it->alias->generics);
    dump_type(d, "target", it->alias->target);
    break;
  case ITEM_INTERFACE: {
    const InterfaceDecl *f = it->interface;
    line(d, "(interface%s %s", f->is_pub ? " pub" : "", f->name.text);
    d->indent++;
    dump_generics(d, &f->generics);
    for (int i = 0; i < f->methods.len; i++) {
      const MethodSig *m = &f->methods.items[i];
      line(d, "(method %s", m->name.text);
      d->indent++;
      dump_params(d, &m->params);
      dump_type(d, "returns", m->ret);
      dump_labeled(d, "default", m->default_body);
      d->indent--;
      line(d, ")");
    }
    break;
  }
  case ITEM_IMPL: {
    const ImplDecl *im = it->impl;
    line(d, "(impl");
    d->indent++;
    dump_names(d, "interface", &im->interface_path, ".");
    for (int i = 0; i < im->interface_args.len; i++)
      dump_type(d, "arg", im->interface_args.items[i]);
    dump_names(d, "for", &im->type_path, ".");
    dump_where(d, &im->where);
    for (int i = 0; i < im->methods.len; i++)
      dump_fn(d, im->methods.items[i]);
    break;
  }
  case ITEM_ACTOR: {
    const ActorDecl *a = it->actor;
    line(d, "(actor%s %s", a->is_pub ? " pub" : "", a->name.text);
    d->indent++;
    dump_params(d, &a->params);
    dump_stmts(d, &a->body);
    if (a->has_terminate) {
      line(d, "(terminate%s%s", a->terminate_reason.text ? " " : "",
           a->terminate_reason.text ? a->terminate_reason.text : "");
      d->indent++;
      dump_expr(d, a->terminate_body);
      d->indent--;
      line(d, ")");
    }
    break;
  }
  case ITEM_SERVICE: {
    const ServiceDecl *s = it->service;
    line(d, "(service%s %s", s->is_pub ? " pub" : "", s->name.text);
    d->indent++;
    for (int i = 0; i < s->fns.len; i++)
      dump_fn(d, s->fns.items[i]);
    for (int i = 0; i < s->handlers.len; i++) {
      const ServiceHandler *h = &s->handlers.items[i];
      line(d, "(%s %s%s%s", h->kind == HANDLER_CALL ? "call" : "cast", h->name.text,
           h->state_name.text ? " |" : "", h->state_name.text ? h->state_name.text : "");
      d->indent++;
      dump_params(d, &h->params);
      dump_type(d, "reply", h->reply_type);
      dump_expr(d, h->body);
      d->indent--;
      line(d, ")");
    }
    break;
  }
  case ITEM_SUPERVISOR: {
    const SupervisorDecl *s = it->supervisor;
    line(d, "(supervisor%s %s", s->is_pub ? " pub" : "", s->name.text);
    d->indent++;
    if (s->has_strategy) line(d, "(strategy %s)", s->strategy.text);
    if (s->has_max_restarts) line(d, "(max_restarts %" PRId64 ")", s->max_restarts);
    if (s->has_max_seconds) line(d, "(max_seconds %" PRId64 ")", s->max_seconds);
    for (int i = 0; i < s->children.len; i++) {
      const ChildSpec *c = &s->children.items[i];
      line(d, "(child %s", c->name.text);
      d->indent++;
      for (int j = 0; j < c->keys.len; j++) {
        const ChildKey *k = &c->keys.items[j];
        if (k->start) {
          dump_labeled(d, "start", k->start);
        } else if (k->has_int) {
          line(d, "(%s %" PRId64 ")", k->key.text, k->int_value);
        } else {
          line(d, "(%s %s)", k->key.text, k->value_name.text ? k->value_name.text : "?");
        }
      }
      d->indent--;
      line(d, ")");
    }
    break;
  }
  case ITEM_MODULE:
    line(d, "(module%s %s", it->module->is_pub ? " pub" : "", it->module->name.text);
    d->indent++;
    dump_stmts(d, &it->module->body);
    break;
  case ITEM_IMPORT: {
    const ImportDecl *im = it->import;
    for (int i = 0; i < d->indent; i++)
      fputs("  ", d->out);
    fputs(im->is_from ? "(from " : "(import ", d->out);
    for (int i = 0; i < im->path.len; i++)
      fprintf(d->out, "%s%s", i ? "." : "", im->path.items[i].text);
    if (im->is_from) {
      fputs(" import", d->out);
      for (int i = 0; i < im->names.len; i++)
        fprintf(d->out, " %s", im->names.items[i].text);
    }
    fputs(")\n", d->out);
    return;
  }
  }
  d->indent--;
  line(d, ")");
}

void ast_dump(FILE *out, const Module *m) {
  Dumper d = {out, 0};
  line(&d, "(module %s", m->name && *m->name ? m->name : "?");
  d.indent++;
  for (int i = 0; i < m->items.len; i++)
    dump_item(&d, m->items.items[i]);
  d.indent--;
  line(&d, ")");
}
