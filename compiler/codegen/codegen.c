/* codegen.c — codegen_program(): lowering, IR passes, optional IR dump, and
 * the LLVM backend (see codegen.h). */
#include "codegen.h"

#include <stdio.h>

#include "../ir/lower.h"
#include "../ir/passes.h"
#include "backend.h"

int codegen_program(Arena *a, DiagContext *dc, Program *p, const CodegenOptions *opts) {
  IrModule *m = lower_program(a, dc, p);
  if (!m) return 1;
  ir_pass_self_tail_calls(a, m);
  if (opts->opt_level >= 1) ir_pass_unroll_recursion(a, m);
  if (opts->ir_path) {
    FILE *f = fopen(opts->ir_path, "w");
    if (!f) {
      diag_fatal_line(dc, "cannot write '%s'", opts->ir_path);
      return 1;
    }
    ir_print(f, m);
    fclose(f);
  }
  return backend_compile(dc, m, opts);
}
