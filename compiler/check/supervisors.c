/* supervisors.c — `supervisor` items (concurrency.md §15.1, §15.2, §15.9).
 *
 * Contract.
 * - supervisors_declare (phase 1, per supervisor item): validates the
 *   settings and child specs per the §15.2 table — E0019 unknown strategy,
 *   duplicate child name, simple_one_for_one with a number of children other
 *   than one; E0020 unknown restart type; E0021 shutdown neither a positive
 *   integer nor `brutal_kill`; E0018 missing `start`. A setting or a child
 *   key written twice is also reported as E0019 (`duplicate setting `X``):
 *   the closest existing code, the one for a duplicate child name.
 *   Defaults: one_for_one, 3 restarts in 5 seconds (max_seconds 0 -> 1),
 *   permanent, shutdown 5000 ms. Every child with a `start` becomes a
 *   synthesized FnDecl `NAME.ID` with no parameters whose body is the start
 *   expression (owner = the supervisor item); it is checked like the
 *   module's other functions, so the closure's type is inferred with the
 *   ordinary machinery. Fills the SupervisorDecl annotations (ast.h).
 * - supervisors_check_starts (after the module's bodies): E0018 on the type
 *   of each start closure — a function type returning Pid (any Pid<M> or
 *   Pid), with no parameters except for the simple_one_for_one template.
 *   `valid` is set only when the whole item passed.
 * - supervisors_name: the bare name NAME is a starter `() -> Pid<()>`
 *   (REF_SUPERVISOR, .item = the supervisor).
 * - supervisors_qualified: `NAME.start_child` (simple_one_for_one only) is
 *   `(Pid<()>, P1..Pn) -> Pid<M>` from the template closure's type
 *   (REF_SUPERVISOR, .fn = the template's FnDecl, .inst its instantiation).
 * - supervisors_member_key: the template's FnDecl is reached by the call
 *   graph from every `x.start_child` (callgraph.c), so it is checked before
 *   the functions using it. */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"

static const char *const strategy_names[] = {"one_for_one", "one_for_all", "rest_for_one",
                                             "simple_one_for_one"};
static const char *const restart_names[] = {"permanent", "transient", "temporary"};
enum { STRATEGY_SIMPLE = 3 };

static int name_index(const char *const *names, int n, const char *s) {
  for (int i = 0; s && i < n; i++)
    if (!strcmp(names[i], s)) return i;
  return -1;
}

static void report_duplicate_setting(Checker *c, Name at) {
  diag_error(c->dc, "E0019", c->mod->file, at.span, "set a second time",
             "duplicate setting `%s`", at.text);
}

static FnDecl *start_fn(Checker *c, Item *it, ChildSpec *ch, Expr *start) {
  FnDecl *fn = ARENA_NEW(c->a, FnDecl);
  fn->name.text = arena_printf(c->a, "%s.%s", it->supervisor->name.text, ch->name.text);
  fn->name.span = ch->name.span;
  fn->span = start->span;
  FnClause cl;
  memset(&cl, 0, sizeof cl);
  cl.has_params = true;
  cl.body = start;
  cl.span = start->span;
  cl.header_span = ch->name.span;
  VEC_PUSH(c->a, fn->clauses, cl);
  fn->module = c->mod;
  fn->id = c->next_decl_id++;
  fn->owner = it;
  return fn;
}

/* One child block: its keys (each at most once); returns false on an error. */
static bool check_child(Checker *c, Item *it, int k, Expr **start_out) {
  SupervisorDecl *s = it->supervisor;
  ChildSpec *ch = &s->children.items[k];
  bool ok = true, seen_start = false, seen_restart = false, seen_shutdown = false;
  *start_out = NULL;
  for (int i = 0; i < ch->keys.len; i++) {
    ChildKey *key = &ch->keys.items[i];
    const char *kn = key->key.text ? key->key.text : "";
    bool *seen = !strcmp(kn, "start")     ? &seen_start
                 : !strcmp(kn, "restart") ? &seen_restart
                                          : &seen_shutdown;
    if (*seen) {
      report_duplicate_setting(c, key->key);
      ok = false;
      continue;
    }
    *seen = true;
    if (seen == &seen_start) {
      *start_out = key->start;
    } else if (seen == &seen_restart) {
      int r = name_index(restart_names, 3, key->value_name.text);
      if (r < 0) {
        diag_error(c->dc, "E0020", c->mod->file, key->value_name.span,
                   "expected permanent, transient, or temporary",
                   "invalid restart type `%s` for child `%s`",
                   key->value_name.text ? key->value_name.text : "", ch->name.text);
        ok = false;
      }
      s->restart_codes[k] = r < 0 ? 0 : r;
    } else if (key->has_int && key->int_value > 0) {
      s->shutdown_ms[k] = key->int_value;
    } else if (!key->has_int && key->value_name.text &&
               !strcmp(key->value_name.text, "brutal_kill")) {
      s->shutdown_ms[k] = 0;
    } else {
      const char *x = key->has_int ? arena_printf(c->a, "%lld", (long long)key->int_value)
                                   : (key->value_name.text ? key->value_name.text : "");
      Span at = key->value_name.span; /* the integer's span too (parse_items.c) */
      diag_error(c->dc, "E0021", c->mod->file, at, "expected a positive integer or brutal_kill",
                 "invalid shutdown value `%s` for child `%s`", x, ch->name.text);
      ok = false;
    }
  }
  if (!seen_start) {
    diag_error(c->dc, "E0018", c->mod->file, ch->name.span, "no `start:` key in this child",
               "child `%s` has no start function", ch->name.text);
    ok = false;
  }
  return ok;
}

int supervisors_declare(Checker *c, Item *it, FnDecl ***fns_out) {
  SupervisorDecl *s = it->supervisor;
  s->module = c->mod;
  s->id = c->next_decl_id++;
  int n = s->children.len;
  s->child_fns = ARENA_ARRAY(c->a, FnDecl *, n + 1);
  s->restart_codes = ARENA_ARRAY(c->a, int, n + 1);
  s->shutdown_ms = ARENA_ARRAY(c->a, int64_t, n + 1);
  bool ok = true;
  if (s->dup_setting.text) {
    report_duplicate_setting(c, s->dup_setting);
    ok = false;
  }
  s->strategy_code = 0;
  if (s->has_strategy) {
    int k = name_index(strategy_names, 4, s->strategy.text);
    if (k < 0) {
      diag_error(c->dc, "E0019", c->mod->file, s->strategy.span,
                 "expected one_for_one, one_for_all, rest_for_one, or simple_one_for_one",
                 "unknown supervision strategy `%s`", s->strategy.text ? s->strategy.text : "");
      ok = false;
    }
    s->strategy_code = k < 0 ? 0 : k;
  }
  if (s->strategy_code == STRATEGY_SIMPLE && n != 1) {
    diag_error(c->dc, "E0019", c->mod->file, s->name.span,
               arena_printf(c->a, "%d child blocks declared", n),
               "simple_one_for_one supervisor must declare exactly one child");
    ok = false;
  }
  FnDecl **fns = ARENA_ARRAY(c->a, FnDecl *, n + 1);
  int nf = 0;
  for (int k = 0; k < n; k++) {
    ChildSpec *ch = &s->children.items[k];
    for (int j = 0; j < k; j++)
      if (ch->name.text && s->children.items[j].name.text &&
          !strcmp(ch->name.text, s->children.items[j].name.text)) {
        Diagnostic *d = diag_error(c->dc, "E0019", c->mod->file, ch->name.span,
                                   "declared a second time", "duplicate child name `%s`",
                                   ch->name.text);
        diag_add_label(c->dc, d, s->children.items[j].name.span, "first declared here");
        ok = false;
        break;
      }
    s->restart_codes[k] = 0;
    s->shutdown_ms[k] = 5000;
    Expr *start;
    ok &= check_child(c, it, k, &start);
    if (start) fns[nf++] = s->child_fns[k] = start_fn(c, it, ch, start);
  }
  s->valid = ok; /* completed by supervisors_check_starts */
  *fns_out = fns;
  return nf;
}

static Type *pid_unit(Checker *c) {
  Type *u = type_unit();
  return type_con(c->a, TC_PID, "Pid", &u, 1);
}

void supervisors_check_starts(Checker *c, Module *m) {
  for (int i = 0; i < m->items.len; i++) {
    Item *it = m->items.items[i];
    if (it->kind != ITEM_SUPERVISOR || !it->supervisor->child_fns) continue;
    SupervisorDecl *s = it->supervisor;
    for (int k = 0; k < s->children.len; k++) {
      FnDecl *fn = s->child_fns[k];
      if (!fn) continue;
      Type *ft = type_resolve(fn->type);
      Type *clo = ft && ft->kind == T_FUN ? type_resolve(ft->ret) : NULL;
      if (!clo) continue; /* an error was reported for the body */
      Type *ret = clo->kind == T_FUN ? type_resolve(clo->ret) : NULL;
      bool returns_pid = ret && (ret->kind == T_NEVER ||
                                 (ret->kind == T_CON && ret->con == TC_PID));
      bool params_ok = clo->kind == T_FUN && (clo->nargs == 0 || s->strategy_code == STRATEGY_SIMPLE);
      if (returns_pid && params_ok) continue;
      /* an undetermined result after other errors is their consequence */
      if (ret && ret->kind == T_VAR && c->dc->error_count > 0) {
        s->valid = false;
        continue;
      }
      Type *found = clo->kind == T_FUN && !params_ok ? clo : (ret ? ret : clo);
      const char *ts = tstr(c, found);
      Expr *start = fn->clauses.items[0].body;
      Diagnostic *d = diag_error(c->dc, "E0018", c->mod->file, start->span,
                                 arena_printf(c->a, "expected Pid<M>, found %s", ts),
                                 "child `%s` start function must return Pid, found `%s`",
                                 s->children.items[k].name.text, ts);
      diag_set_help(c->dc, d, "the start function must call spawn() and return a Pid");
      s->valid = false;
    }
  }
}

bool supervisors_name(Checker *c, Expr *e, Type **out) {
  Item *it = e->name.text ? symtab_get(&c->mi->others, e->name.text) : NULL;
  if (!it || it->kind != ITEM_SUPERVISOR) return false;
  e->ref.kind = REF_SUPERVISOR;
  e->ref.item = it;
  *out = type_fun(c->a, NULL, 0, pid_unit(c));
  return true;
}

bool supervisors_qualified(Checker *c, Expr *f, Item *it, const char *m, Type **out) {
  if (!it || it->kind != ITEM_SUPERVISOR || !it->supervisor->child_fns) return false;
  SupervisorDecl *s = it->supervisor;
  FnDecl *tmpl = s->children.len == 1 ? s->child_fns[0] : NULL;
  if (strcmp(m, "start_child") || s->strategy_code != STRATEGY_SIMPLE || !tmpl) {
    diag_error(c->dc, "E0004", c->mod->file, f->span, "not found in this scope",
               "undefined variable: %s.%s", s->name.text, m);
    *out = new_var(c);
    return true;
  }
  Type *t = type_resolve(fn_use_type(c, tmpl, &f->ref));
  f->ref.kind = REF_SUPERVISOR;
  f->ref.item = it;
  Type *clo = t && t->kind == T_FUN ? type_resolve(t->ret) : NULL;
  if (!clo || clo->kind != T_FUN) {
    *out = new_var(c);
    return true;
  }
  Type **params = ARENA_ARRAY(c->a, Type *, clo->nargs + 1);
  params[0] = pid_unit(c);
  for (int i = 0; i < clo->nargs; i++)
    params[i + 1] = clo->args[i];
  *out = type_fun(c->a, params, clo->nargs + 1, clo->ret);
  return true;
}

const char *supervisors_member_key(FnDecl *fn) {
  if (!fn->owner || fn->owner->kind != ITEM_SUPERVISOR) return NULL;
  SupervisorDecl *s = fn->owner->supervisor;
  return s->strategy_code == STRATEGY_SIMPLE && s->child_fns && s->child_fns[0] == fn
             ? "start_child"
             : NULL;
}
