/* backend.h — from an IR module to textual LLVM IR and an object file.
 *
 * Contract: backend_compile() translates `m` (llvm_emit.h), writes the
 * unoptimised module to opts->ll_path when set, verifies it, runs the pass
 * pipeline of opts->opt_level and writes an object file to opts->obj_path
 * for opts->target_triple (NULL = host). Failures are reported as
 * `error: <reason>` through `dc`; returns 0 on success. (codegen_program()
 * is lowering + ir_print + this.) */
#ifndef SNOW_BACKEND_H
#define SNOW_BACKEND_H

#include "../diag/diag.h"
#include "../ir/ir.h"
#include "codegen.h"

int backend_compile(DiagContext *dc, const IrModule *m, const CodegenOptions *opts);

#endif
