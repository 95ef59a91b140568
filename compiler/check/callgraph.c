/* callgraph.c — dependency order of a module's top-level functions
 * (language.md §5.7): the call graph from each function to the top-level
 * functions its body names (respecting local shadowing), split into
 * strongly connected components, dependencies first. */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"

typedef VEC(int) IntVec;

typedef struct Graph {
  Checker *c;
  SymTab index;  /* fn name -> index + 1 */
  IntVec *edges; /* per function */
  int cur;
  VEC(const char *) locals; /* names bound in the enclosing scopes */
  SymTab methods;           /* impl method name -> IntVec* of indexes: reached */
} Graph;                    /* by name from any `x.m(...)` or `m(x, ...)` */

static void method_edges(Graph *g, const char *name) {
  IntVec *targets = symtab_get(&g->methods, name);
  for (int k = 0; targets && k < targets->len; k++)
    VEC_PUSH(g->c->a, g->edges[g->cur], targets->items[k]);
}

static void walk_expr(Graph *g, Expr *e, int depth);

static bool is_local(Graph *g, const char *name) {
  for (int i = g->locals.len - 1; i >= 0; i--)
    if (!strcmp(g->locals.items[i], name)) return true;
  return false;
}

static void bind_pattern(Graph *g, Pattern *p, int depth) {
  if (!p || depth > CHECK_MAX_DEPTH) return;
  if ((p->kind == PAT_BIND || p->kind == PAT_AS) && p->name.text)
    VEC_PUSH(g->c->a, g->locals, p->name.text);
  for (int i = 0; i < p->elems.len; i++)
    bind_pattern(g, p->elems.items[i], depth + 1);
  bind_pattern(g, p->head, depth + 1);
  bind_pattern(g, p->tail, depth + 1);
  bind_pattern(g, p->inner, depth + 1);
}

static void walk_params(Graph *g, ParamList *ps) {
  for (int i = 0; i < ps->len; i++)
    bind_pattern(g, ps->items[i].pattern, 0);
}

static void walk_fn(Graph *g, FnDecl *fn, int depth) {
  for (int k = 0; k < fn->clauses.len; k++) {
    int mark = g->locals.len;
    walk_params(g, &fn->clauses.items[k].params);
    walk_expr(g, fn->clauses.items[k].guard, depth + 1);
    walk_expr(g, fn->clauses.items[k].body, depth + 1);
    if (k == 0 && fn->actor) /* an actor body's terminate clause (actors.c) */
      walk_expr(g, fn->actor->actor->terminate_body, depth + 1);
    g->locals.len = mark;
  }
}

static void walk_stmts(Graph *g, StmtList *s, int depth) {
  int mark = g->locals.len;
  for (int i = 0; i < s->len; i++) {
    Stmt *st = s->items[i];
    walk_expr(g, st->expr, depth + 1);
    if (st->kind == STMT_LET) bind_pattern(g, st->pattern, 0);
    if (st->kind == STMT_ITEM && st->item && st->item->kind == ITEM_FN) {
      FnDecl *fn = st->item->fn;
      if (fn->name.text) VEC_PUSH(g->c->a, g->locals, fn->name.text); /* shadows */
      walk_fn(g, fn, depth);
    }
  }
  g->locals.len = mark;
}

static void walk_expr(Graph *g, Expr *e, int depth) {
  /* operator chains iteratively: their length is not nesting */
  while (e && e->kind == EXPR_BINARY && e->lhs) {
    walk_expr(g, e->rhs, depth + 1);
    e = e->lhs;
  }
  if (!e || depth > CHECK_MAX_DEPTH) return;
  int d = depth + 1;
  if (e->kind == EXPR_NAME && e->name.text) {
    intptr_t idx = (intptr_t)symtab_get(&g->index, e->name.text);
    if (idx > 0 && !is_local(g, e->name.text)) VEC_PUSH(g->c->a, g->edges[g->cur], (int)(idx - 1));
    if (idx == 0 && !is_local(g, e->name.text)) method_edges(g, e->name.text);
    return;
  }
  if (e->kind == EXPR_FIELD && e->name.text) method_edges(g, e->name.text);
  for (int i = 0; i < e->parts.len; i++)
    walk_expr(g, e->parts.items[i].expr, d);
  for (int i = 0; i < e->elems.len; i++)
    walk_expr(g, e->elems.items[i], d);
  for (int i = 0; i < e->entries.len; i++) {
    walk_expr(g, e->entries.items[i].key, d);
    walk_expr(g, e->entries.items[i].value, d);
  }
  for (int i = 0; i < e->fields.len; i++)
    walk_expr(g, e->fields.items[i].value, d);
  walk_expr(g, e->lhs, d);
  walk_expr(g, e->rhs, d);
  walk_expr(g, e->target, d);
  walk_expr(g, e->index, d);
  walk_expr(g, e->then_branch, d);
  walk_expr(g, e->else_branch, d);
  for (int i = 0; i < e->arms.len; i++) {
    int mark = g->locals.len;
    bind_pattern(g, e->arms.items[i].pattern, 0);
    walk_expr(g, e->arms.items[i].guard, d);
    walk_expr(g, e->arms.items[i].body, d);
    g->locals.len = mark;
  }
  walk_expr(g, e->after_timeout, d);
  walk_expr(g, e->after_body, d);
  for (int i = 0; i < e->clauses.len; i++) {
    int mark = g->locals.len;
    walk_params(g, &e->clauses.items[i].params);
    walk_expr(g, e->clauses.items[i].guard, d);
    walk_expr(g, e->clauses.items[i].body, d);
    g->locals.len = mark;
  }
  walk_expr(g, e->filter, d);
  walk_stmts(g, &e->stmts, d);
}

/* The functions of one service form one group (a ring of edges): the
 * state type ties them together (services.c). */
static void service_ring(Graph *g, FnDecl **fns, int n) {
  for (int i = 0; i < n; i++) {
    if (!services_member_key(fns[i])) continue;
    for (int k = 1; k < n; k++) {
      int j = (i + k) % n;
      if (fns[j]->owner == fns[i]->owner && services_member_key(fns[j])) {
        VEC_PUSH(g->c->a, g->edges[i], j);
        break;
      }
    }
  }
}

/* Tarjan's algorithm without recursion; components come out dependencies
 * first. Writes comp[i] (component number in emission order). */
static int tarjan(Checker *c, int n, Graph *g, int *comp) {
  int *index = ARENA_ARRAY(c->a, int, n + 1), *low = ARENA_ARRAY(c->a, int, n + 1);
  bool *on = ARENA_ARRAY(c->a, bool, n + 1);
  int *stack = ARENA_ARRAY(c->a, int, n + 1), sp = 0;
  int *cs_node = ARENA_ARRAY(c->a, int, n + 1), *cs_edge = ARENA_ARRAY(c->a, int, n + 1), csp = 0;
  int next = 1, ncomp = 0;
  for (int root = 0; root < n; root++) {
    if (index[root]) continue;
    cs_node[csp] = root;
    cs_edge[csp++] = 0;
    index[root] = low[root] = next++;
    stack[sp++] = root;
    on[root] = true;
    while (csp > 0) {
      int v = cs_node[csp - 1];
      if (cs_edge[csp - 1] < g->edges[v].len) {
        int w = g->edges[v].items[cs_edge[csp - 1]++];
        if (!index[w]) {
          index[w] = low[w] = next++;
          stack[sp++] = w;
          on[w] = true;
          cs_node[csp] = w;
          cs_edge[csp++] = 0;
        } else if (on[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      if (low[v] == index[v]) {
        int w;
        do {
          w = stack[--sp];
          on[w] = false;
          comp[w] = ncomp;
        } while (w != v);
        ncomp++;
      }
      csp--;
      if (csp > 0) {
        int u = cs_node[csp - 1];
        if (low[v] < low[u]) low[u] = low[v];
      }
    }
  }
  return ncomp;
}

int callgraph_components(Checker *c, FnDecl **fns, int n, int *comp) {
  Graph g = {.c = c};
  g.edges = ARENA_ARRAY(c->a, IntVec, n + 1);
  for (int i = 0; i < n; i++) {
    /* a service's functions are reached as `NAME.start` / `NAME.<snake>` */
    const char *key = fns[i]->is_method ? fns[i]->name.text : services_member_key(fns[i]);
    if (!key && !fns[i]->is_method) key = supervisors_member_key(fns[i]); /* `NAME.start_child` */
    if (!fns[i]->is_method && !key) {
      symtab_put(c->a, &g.index, fns[i]->name.text, (void *)(intptr_t)(i + 1));
      continue;
    }
    if (!key) continue;
    IntVec *targets = symtab_get(&g.methods, key);
    if (!targets) {
      targets = ARENA_NEW(c->a, IntVec);
      symtab_put(c->a, &g.methods, key, targets);
    }
    VEC_PUSH(c->a, *targets, i);
  }
  service_ring(&g, fns, n);
  for (int i = 0; i < n; i++) {
    g.cur = i;
    g.locals.len = 0;
    walk_fn(&g, fns[i], 0);
  }
  return tarjan(c, n, &g, comp);
}
