/* services.c — `service` items (concurrency.md §13.1-§13.2).
 *
 * Contract.
 * - services_declare (phase 1, per service item): E0042 for any `fn` but
 *   one `init`; the snake names of the handlers (§13.2) with E0041 for a
 *   repeated VARIANT, coinciding snake names, the name `start` or a keyword.
 *   Every handler becomes a synthesized FnDecl `NAME.<snake>` whose first
 *   parameter is the state (`|state|` or `_`) followed by the handler's
 *   parameters, and whose body is the handler's body; it and `init` (renamed
 *   `NAME.init`) are checked like the module's other functions, owner = the
 *   service item. The callgraph (callgraph.c) puts one service's functions
 *   in one group, reached from every `NAME.<member>` use.
 * - services_link_signatures (phase 2, after the signatures): the state
 *   parameter of every handler is the state type S (init's result, or ());
 *   a call handler's result is (S, R) with R its `:: R` (or inferred), a
 *   cast handler's result is S. Body mismatches are ordinary E0001s.
 * - services_qualified: `NAME.start` and `NAME.<snake>` typed per the §13.2
 *   table (service PIDs are Pid<()>); the use is a REF_SERVICE whose .item
 *   is the service, .handler the handler index (-1 for start), .fn the
 *   underlying function and .inst its instantiation. */
#include <stdint.h>
#include <string.h>

#include "../lex/token.h"
#include "check_internal.h"

static const char *const snow_keywords[] = {
#define X(name, text) text,
    SNOW_KEYWORDS(X)
#undef X
};

/* §13.2: GetCount -> get_count, HTTPGet -> h_t_t_p_get. */
static const char *snake_name(Arena *a, const char *variant) {
  size_t n = strlen(variant);
  char *out = arena_alloc(a, 2 * n + 1);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = variant[i];
    if (ch >= 'A' && ch <= 'Z') {
      if (i > 0) out[k++] = '_';
      out[k++] = (char)(ch - 'A' + 'a');
    } else {
      out[k++] = ch;
    }
  }
  out[k] = 0;
  return out;
}

static bool is_keyword(const char *s) {
  for (size_t i = 0; i < sizeof snow_keywords / sizeof *snow_keywords; i++)
    if (!strcmp(snow_keywords[i], s)) return true;
  return false;
}

static Span fn_header_span(FnDecl *fn) {
  return fn->clauses.len ? fn->clauses.items[0].header_span : fn->span;
}

static Pattern *state_pattern(Checker *c, ServiceHandler *h) {
  Pattern *p = ARENA_NEW(c->a, Pattern);
  if (h->state_name.text) {
    p->kind = PAT_BIND;
    p->name = h->state_name;
    p->span = h->state_name.span;
  } else {
    p->kind = PAT_WILDCARD;
    p->span = h->name.span;
  }
  return p;
}

static FnDecl *handler_fn(Checker *c, Item *it, ServiceHandler *h, const char *snake) {
  ServiceDecl *svc = it->service;
  FnDecl *fn = ARENA_NEW(c->a, FnDecl);
  fn->name.text = arena_printf(c->a, "%s.%s", svc->name.text, snake);
  fn->name.span = h->name.span;
  fn->span = h->span;
  FnClause cl;
  memset(&cl, 0, sizeof cl);
  cl.has_params = true;
  Param state = {.pattern = state_pattern(c, h), .span = h->name.span};
  VEC_PUSH(c->a, cl.params, state);
  for (int i = 0; i < h->params.len; i++)
    VEC_PUSH(c->a, cl.params, h->params.items[i]);
  cl.body = h->body;
  cl.span = h->span;
  cl.header_span = h->name.span;
  VEC_PUSH(c->a, fn->clauses, cl);
  return fn;
}

static void member_setup(Checker *c, Item *it, FnDecl *fn) {
  fn->module = c->mod;
  fn->id = c->next_decl_id++;
  fn->owner = it;
}

int services_declare(Checker *c, Item *it, FnDecl ***fns_out) {
  ServiceDecl *svc = it->service;
  svc->module = c->mod;
  svc->id = c->next_decl_id++;
  int nh = svc->handlers.len;
  FnDecl **fns = ARENA_ARRAY(c->a, FnDecl *, nh + 2);
  int n = 0;
  for (int i = 0; i < svc->fns.len; i++) {
    FnDecl *fn = svc->fns.items[i];
    if (fn->name.text && !strcmp(fn->name.text, "init") && !svc->init) {
      svc->init = fn;
      continue;
    }
    Diagnostic *d =
        diag_error(c->dc, "E0042", c->mod->file, fn_header_span(fn),
                   "not allowed in a service body", "only `init` may be defined in a service body");
    diag_set_help(c->dc, d, "a service body holds one `fn init` and `call`/`cast` handlers");
  }
  if (svc->init) {
    svc->init->name.text = arena_printf(c->a, "%s.init", svc->name.text);
    member_setup(c, it, svc->init);
    fns[n++] = svc->init;
  }
  svc->snake = ARENA_ARRAY(c->a, const char *, nh + 1);
  svc->handler_fns = ARENA_ARRAY(c->a, FnDecl *, nh + 1);
  for (int i = 0; i < nh; i++) {
    ServiceHandler *h = &svc->handlers.items[i];
    const char *variant = h->name.text ? h->name.text : "";
    const char *snake = snake_name(c->a, variant);
    svc->snake[i] = snake;
    bool dup = !strcmp(snake, "start");
    for (int k = 0; k < i && !dup; k++)
      dup = !strcmp(svc->snake[k], snake);
    if (dup) {
      diag_error(c->dc, "E0041", c->mod->file, h->name.span,
                 arena_printf(c->a, "generates `%s.%s` a second time", svc->name.text, snake),
                 "duplicate handler `%s` in service `%s`", variant, svc->name.text);
    } else if (is_keyword(snake)) {
      Diagnostic *d = diag_error(c->dc, "E0041", c->mod->file, h->name.span, "reserved word",
                                 "handler name `%s` is a reserved word", snake);
      diag_set_help(c->dc, d, "`%s.%s` could not be written; rename the handler", svc->name.text,
                    snake);
    }
    FnDecl *fn = handler_fn(c, it, h, snake);
    member_setup(c, it, fn);
    svc->handler_fns[i] = fn;
    fns[n++] = fn;
  }
  *fns_out = fns;
  return n;
}

void services_link_signatures(Checker *c, Module *m) {
  for (int i = 0; i < m->items.len; i++) {
    Item *it = m->items.items[i];
    if (it->kind != ITEM_SERVICE || !it->service->handler_fns) continue;
    ServiceDecl *svc = it->service;
    Type *init_t = svc->init ? type_resolve(svc->init->type) : NULL;
    Type *state = init_t && init_t->kind == T_FUN ? init_t->ret : type_unit();
    for (int k = 0; k < svc->handlers.len; k++) {
      ServiceHandler *h = &svc->handlers.items[k];
      Type *ft = type_resolve(svc->handler_fns[k]->type);
      if (!ft || ft->kind != T_FUN || ft->nargs < 1) continue;
      UnifyError ue;
      unify(c, ft->args[0], state, &ue); /* a fresh variable: cannot fail */
      Type *want = state;
      if (h->kind == HANDLER_CALL) {
        Type *pair[2] = {state, h->reply_type ? resolve_type_expr(c, h->reply_type) : new_var(c)};
        want = type_tuple(c->a, pair, 2);
      }
      unify(c, ft->ret, want, &ue); /* likewise */
    }
  }
}

static Type *pid_unit(Checker *c) {
  Type *u = type_unit();
  return type_con(c->a, TC_PID, "Pid", &u, 1);
}

bool services_qualified(Checker *c, Expr *f, Item *it, const char *m, Type **out) {
  if (it->kind != ITEM_SERVICE || !it->service->handler_fns) return false;
  ServiceDecl *svc = it->service;
  if (!strcmp(m, "start")) {
    f->ref.handler = -1;
    if (!svc->init) {
      f->ref.kind = REF_SERVICE;
      f->ref.item = it;
      *out = type_fun(c->a, NULL, 0, pid_unit(c));
      return true;
    }
    Type *t = type_resolve(fn_use_type(c, svc->init, &f->ref));
    f->ref.kind = REF_SERVICE;
    f->ref.item = it;
    if (!t || t->kind != T_FUN) {
      *out = new_var(c);
      return true;
    }
    *out = type_fun(c->a, t->args, t->nargs, pid_unit(c));
    return true;
  }
  for (int k = 0; k < svc->handlers.len; k++) {
    if (strcmp(svc->snake[k], m)) continue;
    ServiceHandler *h = &svc->handlers.items[k];
    Type *t = type_resolve(fn_use_type(c, svc->handler_fns[k], &f->ref));
    f->ref.kind = REF_SERVICE;
    f->ref.item = it;
    f->ref.handler = k;
    if (!t || t->kind != T_FUN || t->nargs < 1) {
      *out = new_var(c);
      return true;
    }
    Type **params = ARENA_ARRAY(c->a, Type *, t->nargs);
    params[0] = pid_unit(c);
    for (int i = 1; i < t->nargs; i++)
      params[i] = t->args[i];
    Type *ret = type_unit();
    if (h->kind == HANDLER_CALL) {
      Type *r = type_resolve(t->ret);
      ret = r && r->kind == T_TUPLE && r->nargs == 2 ? r->args[1] : new_var(c);
    }
    *out = type_fun(c->a, params, t->nargs, ret);
    return true;
  }
  diag_error(c->dc, "E0004", c->mod->file, f->span, "not found in this scope",
             "undefined variable: %s.%s", svc->name.text, m);
  *out = new_var(c);
  return true;
}

static void pin_levels(Type *t, unsigned epoch, int depth) {
  t = type_resolve(t);
  if (!t || depth > TYPE_MAX_DEPTH) return;
  if (t->kind == T_VAR) {
    if (!t->quantified && !t->is_generic_param) t->level = 0;
    return;
  }
  if (t->visit_mark == epoch) return;
  if (t->nargs > 0 || t->kind == T_FUN) t->visit_mark = epoch;
  for (int i = 0; i < t->nargs; i++)
    pin_levels(t->args[i], epoch, depth + 1);
  if (t->kind == T_FUN) pin_levels(t->ret, epoch, depth + 1);
}

void services_pin_monomorphic(Checker *c, FnDecl *fn) {
  if (services_member_key(fn)) pin_levels(fn->type, new_epoch(c), 0);
}

const char *services_member_key(FnDecl *fn) {
  if (!fn->owner || fn->owner->kind != ITEM_SERVICE) return NULL;
  ServiceDecl *svc = fn->owner->service;
  if (fn == svc->init) return "start";
  for (int k = 0; k < svc->handlers.len; k++)
    if (svc->handler_fns && svc->handler_fns[k] == fn) return svc->snake[k];
  return NULL;
}
