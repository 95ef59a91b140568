/* codegen.h — checked program to an object file through LLVM 19's C API.
 *
 * Contract: codegen_program() lowers the checked Program (through the typed
 * IR of compiler/ir/ir.h, which it prints to `ir_path` when non-NULL) to LLVM
 * IR, writes textual LLVM IR to `ll_path` when non-NULL (unoptimised, before
 * passes), runs the pass pipeline for `opt_level` (0: none beyond what -O0
 * needs; 1: default<O1>; 2: default<O2>) and writes an object file to
 * `obj_path` for `target_triple` (NULL = host). It emits a C-ABI `main` that
 * calls snow_rt_main. Returns 0 on success; on failure prints
 * `error: <reason>` through `dc` and returns nonzero. */
#ifndef SNOW_CODEGEN_H
#define SNOW_CODEGEN_H

#include "../common/program.h"
#include "../diag/diag.h"

typedef struct CodegenOptions {
  int opt_level;
  const char *target_triple; /* NULL: host */
  const char *obj_path;
  const char *ll_path; /* NULL: don't write */
  const char *ir_path; /* NULL: don't write */
} CodegenOptions;

int codegen_program(Arena *a, DiagContext *dc, Program *p, const CodegenOptions *opts);

#endif
