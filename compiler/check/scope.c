/* scope.c — local scopes of the checker: Bindings, block-level named
 * functions, and lookup with the visibility rules of §6.3 (locals of an
 * enclosing named function are invisible inside a nested one; locals used
 * inside a closure are recorded as its captures). */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"

/* ------------------------------------------------------------ scopes */

Binding *new_binding(Checker *c, const char *name, Span span, Type *t) {
  Binding *b = ARENA_NEW(c->a, Binding);
  b->name = name ? name : "_";
  b->span = span;
  b->type = t;
  b->id = c->next_binding_id++;
  return b;
}

void scope_push_local(Checker *c, Binding *b) {
  ScopeEntry e = {.name = b->name, .local = b};
  VEC_PUSH(c->a, c->scope, e);
}

void scope_push_fn(Checker *c, FnDecl *fn) {
  ScopeEntry e = {.name = fn->name.text, .fn = fn};
  VEC_PUSH(c->a, c->scope, e);
}

static void record_capture(Checker *c, LambdaCtx *ctx, Binding *b) {
  for (int i = 0; i < ctx->captures.len; i++)
    if (ctx->captures.items[i] == b) return;
  VEC_PUSH(c->a, ctx->captures, b);
}

/* Looks a plain name up in the local scopes (locals of enclosing named
 * functions are invisible, §6.3); records captures of crossed closures. */
ScopeEntry *scope_lookup(Checker *c, const char *name) {
  int barrier = 0;
  for (LambdaCtx *l = c->lambda; l; l = l->parent)
    if (l->fn) {
      barrier = l->scope_base;
      break;
    }
  for (int i = c->scope.len - 1; i >= 0; i--) {
    ScopeEntry *e = &c->scope.items[i];
    if (strcmp(e->name, name) != 0) continue;
    if (e->local && i < barrier) continue;
    if (e->local) {
      for (LambdaCtx *l = c->lambda; l && !l->fn; l = l->parent)
        if (l->scope_base > i) {
          record_capture(c, l, e->local);
          e->local->captured = true;
        }
    }
    return e;
  }
  return NULL;
}
