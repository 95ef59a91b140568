/* check_run.h — the checker unit tests' harness: parses one or several
 * modules from strings, runs check_program() and keeps the arena (for the
 * annotated tree) and the diagnostics as JSON lines. Header-only, included by
 * test_check.c and test_services_check.c. */
#ifndef SNOW_TEST_CHECK_RUN_H
#define SNOW_TEST_CHECK_RUN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/check/check.h"
#include "../../compiler/syntax/parser.h"

typedef struct Run {
  Arena arena;
  Module *m;
  Program prog;
  bool ok;
  bool parsed;
  char *diags; /* JSON lines */
} Run;

static inline Run *run(const char *src) {
  Run *r = calloc(1, sizeof *r);
  arena_init(&r->arena);
  size_t len = 0;
  FILE *out = open_memstream(&r->diags, &len);
  DiagContext dc;
  diag_init(&dc, &r->arena, true, false, out);
  SourceFile *f = source_from_bytes(&r->arena, "main.snow", src, strlen(src));
  f->module_name = "Main";
  r->m = parse_module(&r->arena, &dc, f);
  r->m->name = "Main";
  r->parsed = !r->m->has_parse_errors;
  diag_flush(&dc);
  r->prog.modules = &r->m;
  r->prog.nmodules = 1;
  r->prog.entry = r->m;
  if (r->parsed) r->ok = check_program(&r->arena, &dc, &r->prog);
  fclose(out);
  return r;
}

/* Several modules, in dependency order; the last one is the entry `Main`. */
static inline Run *run_modules(const char **srcs, const char **names, int n) {
  Run *r = calloc(1, sizeof *r);
  arena_init(&r->arena);
  size_t len = 0;
  FILE *out = open_memstream(&r->diags, &len);
  DiagContext dc;
  diag_init(&dc, &r->arena, true, false, out);
  Module **mods = ARENA_ARRAY(&r->arena, Module *, n);
  r->parsed = true;
  for (int i = 0; i < n; i++) {
    const char *path = arena_printf(&r->arena, "m%d.snow", i);
    SourceFile *f = source_from_bytes(&r->arena, path, srcs[i], strlen(srcs[i]));
    f->module_name = names[i];
    mods[i] = parse_module(&r->arena, &dc, f);
    mods[i]->name = names[i];
    if (mods[i]->has_parse_errors) r->parsed = false;
  }
  diag_flush(&dc);
  r->m = mods[n - 1];
  r->prog.modules = mods;
  r->prog.nmodules = n;
  r->prog.entry = mods[n - 1];
  if (r->parsed) r->ok = check_program(&r->arena, &dc, &r->prog);
  fclose(out);
  return r;
}

static inline void done(Run *r) {
  arena_free(&r->arena);
  free(r->diags);
  free(r);
}

#endif
