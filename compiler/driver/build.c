/* build.c — the build pipeline (see build.h). */
#include "build.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../check/check.h"
#include "../codegen/codegen.h"
#include "../common/program.h"
#include "../diag/diag.h"
#include "../syntax/parser.h"
#include "graph.h"
#include "link.h"
#include "project.h"

/* The dotted module paths of the file's top-level imports, as written. */
static void collect_imports(Arena *a, const Module *m, ModuleImports *out) {
  out->name = m->name;
  out->imports = ARENA_ARRAY(a, const char *, m->items.len ? m->items.len : 1);
  out->nimports = 0;
  for (int i = 0; i < m->items.len; i++) {
    const Item *it = m->items.items[i];
    if (it->kind != ITEM_IMPORT || !it->import || it->import->path.len == 0) continue;
    size_t total = 1;
    for (int k = 0; k < it->import->path.len; k++) total += strlen(it->import->path.items[k].text) + 1;
    char *name = arena_alloc(a, total);
    for (int k = 0; k < it->import->path.len; k++) {
      if (k) strcat(name, ".");
      strcat(name, it->import->path.items[k].text);
    }
    out->imports[out->nimports++] = name;
  }
}

int build_project(Arena *a, const BuildRequest *req, const char **exe_out) {
  DiagContext dc;
  diag_init(&dc, a, req->json, req->color, stderr);

  Project proj;
  if (req->single_file) {
    project_single_file(a, req->single_file, &proj);
  } else {
    const char *err = project_open(a, req->dir, &proj);
    if (err) {
      diag_fatal_line(&dc, "%s", err);
      return 1;
    }
  }
  const char *exe = req->output ? req->output : project_default_output(a, &proj);

  /* Parse every module, each into its own diagnostics context so that the
   * reports can be printed in compilation order after the graph checks. */
  int n = proj.nfiles;
  Module **modules = ARENA_ARRAY(a, Module *, n);
  DiagContext *parse_dc = ARENA_ARRAY(a, DiagContext, n);
  ModuleImports *imports = ARENA_ARRAY(a, ModuleImports, n);
  for (int i = 0; i < n; i++) {
    const ProjectFile *pf = &proj.files[i];
    char *text;
    size_t len;
    const char *err = project_read_file(a, pf->path, &text, &len);
    if (err) {
      diag_fatal_line(&dc, "%s", err);
      return 1;
    }
    SourceFile *sf = source_from_bytes(a, pf->path, text, len);
    sf->rel_path = pf->rel_path;
    sf->module_name = pf->module_name;
    sf->id = i;
    diag_init(&parse_dc[i], a, req->json, req->color, stderr);
    modules[i] = parse_module(a, &parse_dc[i], sf);
    modules[i]->name = pf->module_name;
    collect_imports(a, modules[i], &imports[i]);
  }

  int *order = ARENA_ARRAY(a, int, n);
  const char *graph_err = import_order(a, imports, n, order);
  if (graph_err) {
    diag_fatal_line(&dc, "%s", graph_err);
    return 1;
  }

  if (req->dump_ast) {
    for (int k = 0; k < n; k++) ast_dump(stdout, modules[order[k]]);
    fflush(stdout);
  }

  int parse_errors = 0;
  for (int k = 0; k < n; k++) {
    diag_flush(&parse_dc[order[k]]);
    parse_errors += parse_dc[order[k]].error_count;
    if (modules[order[k]]->has_parse_errors && parse_dc[order[k]].error_count == 0) parse_errors++;
  }
  if (parse_errors) {
    diag_fatal_line(&dc, "Compilation failed due to errors above.");
    return 1;
  }

  Program prog = {0};
  prog.modules = ARENA_ARRAY(a, Module *, n);
  for (int k = 0; k < n; k++) prog.modules[k] = modules[order[k]];
  prog.nmodules = n;
  prog.entry = modules[proj.entry];

  bool ok = check_program(a, &dc, &prog);
  diag_flush(&dc);
  if (!ok || dc.error_count) {
    diag_fatal_line(&dc, "Compilation failed due to errors above.");
    return 1;
  }
  if (!prog.main_fn) {
    diag_fatal_line(&dc, "No 'main' function found in '%s'", proj.files[proj.entry].path);
    return 1;
  }

  const char *runtime_err = NULL;
  const char *runtime_lib = link_find_runtime(a, &runtime_err);
  if (!runtime_lib) {
    diag_fatal_line(&dc, "%s", runtime_err);
    return 1;
  }

  CodegenOptions opts = {0};
  opts.opt_level = req->opt_level > 2 ? 2 : req->opt_level;
  opts.target_triple = req->target;
  opts.obj_path = project_replace_extension(a, exe, ".o");
  opts.ll_path = req->emit_llvm ? project_replace_extension(a, exe, ".ll") : NULL;
  opts.ir_path = req->emit_ir ? project_replace_extension(a, exe, ".ir") : NULL;
  if (codegen_program(a, &dc, &prog, &opts) != 0) {
    diag_flush(&dc);
    return 1;
  }
  if (opts.ll_path) fprintf(stderr, "  LLVM IR: %s\n", opts.ll_path);

  const char *link_err = link_executable(a, opts.obj_path, runtime_lib, exe);
  if (link_err) {
    diag_fatal_line(&dc, "%s", link_err);
    return 1;
  }
  unlink(opts.obj_path);
  fprintf(stderr, "  Compiled: %s\n", exe);
  *exe_out = exe;
  return 0;
}
