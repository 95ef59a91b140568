/* build.h — the `snowc build` pipeline (tooling.md §1.4.5): project checks,
 * parse all modules, import order, check, entry point, codegen, link.
 *
 * Contract: build_project() prints every diagnostic and progress line itself
 * (stderr) and returns 0 on success with *exe_out set to the executable
 * path, or 1 after printing the failure. All memory comes from `a`. */
#ifndef SNOW_DRIVER_BUILD_H
#define SNOW_DRIVER_BUILD_H

#include <stdbool.h>

#include "../util/arena.h"

typedef struct BuildRequest {
  const char *dir;         /* project directory as typed; NULL when omitted */
  const char *single_file; /* `snowc run FILE.snow`: build this file alone as Main */
  const char *output;      /* -o, or NULL for the default (§1.4.5) */
  const char *target;      /* NULL: host */
  int opt_level;           /* 0..255 */
  bool emit_llvm, emit_ir, json, color, dump_ast;
} BuildRequest;

int build_project(Arena *a, const BuildRequest *req, const char **exe_out);

#endif
