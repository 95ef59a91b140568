/* imports.c — `import` and `from … import` (language.md §3.4): project
 * modules (already checked: the driver orders modules by dependency) and
 * standard-library namespaces. Fills the ModuleInfo import tables that name
 * and type lookup consult; reports E0031, E0034, E0035. Also resolves the
 * type part of `M.T.m` (imports_module_type). */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"

static Module *find_module(Checker *c, const char *name) {
  for (int i = 0; i < c->prog->nmodules; i++) {
    Module *m = c->prog->modules[i];
    if (m && m->name && !strcmp(m->name, name)) return m;
  }
  return NULL;
}

const char *module_exports(Checker *c, Module *m) {
  const char *list = "";
  int n = 0;
  for (int i = 0; i < m->items.len; i++) {
    Item *it = m->items.items[i];
    const char *name = NULL;
    if (it->kind == ITEM_FN && it->fn->clauses.len && it->fn->clauses.items[0].is_pub)
      name = it->fn->name.text;
    else if (it->kind == ITEM_STRUCT && it->struct_decl->is_pub)
      name = it->struct_decl->name.text;
    else if (it->kind == ITEM_SUM && it->sum->is_pub)
      name = it->sum->name.text;
    else if (it->kind == ITEM_SERVICE && it->service->is_pub)
      name = it->service->name.text;
    else if (it->kind == ITEM_ACTOR && it->actor->is_pub) /* actors area */
      name = it->actor->name.text;
    if (name) list = arena_printf(c->a, "%s%s%s", list, n++ ? ", " : "", name);
  }
  return list;
}

/* Importing a module makes its pub struct and sum types (and variants)
 * visible unqualified. */
static void import_pub_types(Checker *c, Module *m) {
  for (int i = 0; i < m->items.len; i++) {
    Item *it = m->items.items[i];
    if (it->kind == ITEM_STRUCT && it->struct_decl->is_pub) {
      symtab_put(c->a, &c->mi->ext_structs, it->struct_decl->name.text, it->struct_decl);
    } else if (it->kind == ITEM_SERVICE && it->service->is_pub &&
               !symtab_get(&c->mi->others, it->service->name.text)) {
      /* services area: `NAME.start` / `NAME.<handler>` (check/services.c) */
      symtab_put(c->a, &c->mi->others, it->service->name.text, it);
    } else if (it->kind == ITEM_SUPERVISOR && it->supervisor->is_pub &&
               !symtab_get(&c->mi->others, it->supervisor->name.text)) {
      /* supervisors area: `NAME()`, `NAME.start_child` (check/supervisors.c) */
      symtab_put(c->a, &c->mi->others, it->supervisor->name.text, it);
    } else if (it->kind == ITEM_SUM && it->sum->is_pub) {
      SumDecl *s = it->sum;
      symtab_put(c->a, &c->mi->ext_sums, s->name.text, s);
      for (int k = 0; k < s->variants.len; k++)
        symtab_put(c->a, &c->mi->ext_variants, s->variants.items[k]->name.text,
                   s->variants.items[k]);
    }
  }
}

void report_private(Checker *c, Span at, const char *name, const char *module) {
  Diagnostic *d = diag_error(c->dc, "E0035", c->mod->file, at,
                             arena_printf(c->a, "`%s` is private in module `%s`", name, module),
                             "private item cannot be imported");
  diag_set_help(c->dc, d, "add `pub` to `%s` in module `%s` to make it accessible", name, module);
}

void report_not_exported(Checker *c, Span at, const char *name, Module *m, const char *module) {
  Diagnostic *d =
      diag_error(c->dc, "E0034", c->mod->file, at,
                 arena_printf(c->a, "`%s` is not exported by module `%s`", name, module),
                 "name not found in module");
  const char *exports = m ? module_exports(c, m) : "";
  if (builtin_is_namespace(module))
    for (int i = 0; i < BI__COUNT; i++)
      if (!strcmp(builtin_table[i].module, module))
        exports =
            arena_printf(c->a, "%s%s%s", exports, *exports ? ", " : "", builtin_table[i].name);
  diag_set_note(c->dc, d, "available exports: %s", exports);
}

static void import_name(Checker *c, Module *m, const char *path, Name *n) {
  ModuleInfo *ti = m ? m->check_data : NULL;
  if (ti) {
    Item *other = symtab_get(&ti->others, n->text);
    if (other && other->kind == ITEM_SERVICE && other->service->module == m) {
      /* services area: visible by importing the module, like pub types */
      if (!other->service->is_pub) report_private(c, n->span, n->text, path);
      return;
    }
    if (other && other->kind == ITEM_ACTOR) { /* actors area: the starter, like a fn */
      if (!other->actor->is_pub)
        report_private(c, n->span, n->text, path);
      else if (!symtab_get(&c->mi->others, n->text))
        symtab_put(c->a, &c->mi->others, n->text, other);
      return;
    }
    FnDecl *fn = symtab_get(&ti->fns, n->text);
    StructDecl *sd = symtab_get(&ti->structs, n->text);
    SumDecl *su = symtab_get(&ti->sums, n->text);
    bool pub = (fn && fn->clauses.len && fn->clauses.items[0].is_pub) || (sd && sd->is_pub) ||
               (su && su->is_pub);
    if (pub) {
      if (fn && fn->clauses.items[0].is_pub) symtab_put(c->a, &c->mi->ext_fns, n->text, fn);
      return; /* pub types are already visible */
    }
    if ((fn || sd || su) && !builtin_is_namespace(path)) {
      report_private(c, n->span, n->text, path);
      return;
    }
  }
  if (builtin_is_namespace(path)) {
    int id = builtin_lookup(path, n->text);
    if (id >= 0) {
      symtab_put(c->a, &c->mi->imported, n->text, (void *)(intptr_t)(id + 1));
      return;
    }
    if (!m) {
      report_not_exported(c, n->span, n->text, NULL, path);
      return;
    }
  }
  if (m && ti &&
      (symtab_get(&ti->fns, n->text) || symtab_get(&ti->structs, n->text) ||
       symtab_get(&ti->sums, n->text))) {
    report_private(c, n->span, n->text, path);
    return;
  }
  report_not_exported(c, n->span, n->text, m, path);
}

void check_import(Checker *c, Item *it) {
  ImportDecl *im = it->import;
  const char *path = "";
  for (int i = 0; i < im->path.len; i++)
    path = arena_printf(c->a, "%s%s%s", path, i ? "." : "", im->path.items[i].text);
  Span at = im->path.len ? span_join(im->path.items[0].span, VEC_LAST(im->path).span) : it->span;
  Module *m = find_module(c, path);
  if (m == c->mod) return; /* reported by the driver (§8.6) */
  if (!m && !(im->path.len == 1 && builtin_is_namespace(path))) {
    diag_error(c->dc, "E0031", c->mod->file, at, arena_printf(c->a, "module `%s` not found", path),
               "module not found");
    return;
  }
  if (m) {
    if (!m->check_data) return; /* not checked (its own errors were reported) */
    import_pub_types(c, m);
    if (!im->is_from) symtab_put(c->a, &c->mi->modules, VEC_LAST(im->path).text, m);
  }
  if (!im->is_from) return;
  for (int i = 0; i < im->names.len; i++)
    import_name(c, m, path, &im->names.items[i]);
}

/* `M.T` where M is an imported project module and T one of its types
 * (§3.4, §5.12): returns M's tables when T is a pub struct or sum type of
 * M; reports E0035 when T is private and E0034 when M has no item T (then
 * sets *reported and returns NULL); NULL otherwise. */
ModuleInfo *imports_module_type(Checker *c, Expr *path, bool *reported) {
  *reported = false;
  Expr *m = path ? path->target : NULL;
  const char *tn = path ? path->name.text : NULL;
  if (!m || m->kind != EXPR_NAME || !name_is_upper(tn) || !name_is_upper(m->name.text) ||
      scope_lookup(c, m->name.text))
    return NULL;
  Module *mod = symtab_get(&c->mi->modules, m->name.text);
  ModuleInfo *ti = mod ? mod->check_data : NULL;
  if (!ti) return NULL;
  StructDecl *s = symtab_get(&ti->structs, tn);
  SumDecl *u = s ? NULL : symtab_get(&ti->sums, tn);
  Item *svc = s || u ? NULL : symtab_get(&ti->others, tn); /* services area: `M.S.start` */
  if (svc && (svc->kind != ITEM_SERVICE || svc->service->module != mod)) svc = NULL;
  if (!s && !u && !svc) {
    if (builtin_is_namespace(m->name.text) || symtab_get(&ti->others, tn)) return NULL;
    report_not_exported(c, path->span, tn, mod, mod->name); /* `M.Nope.x`: no E0030 after it */
    *reported = true;
    return NULL;
  }
  if (s ? s->is_pub : u ? u->is_pub : svc->service->is_pub) return ti;
  report_private(c, path->span, tn, mod->name);
  *reported = true;
  return NULL;
}
