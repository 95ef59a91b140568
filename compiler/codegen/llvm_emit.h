/* llvm_emit.h — translation of an IR module (compiler/ir/ir.h) to an LLVM module.
 *
 * Contract: llvm_emit_module() builds, in `ctx`, one LLVM module holding a
 * definition for every IR function (internal linkage), declarations of the
 * runtime entry points it uses (rt_decls.h), static STRING objects for the
 * string constants (read-only, header gc = SNOW_GC_STATIC), and — when the
 * IR module has a `main_fn` — the C entry point `int main(int, char **)`
 * that calls snow_rt_main. The result is verified-clean LLVM IR without any
 * optimisation applied. Locals live in allocas of the entry block, so loops
 * (self tail calls) run in constant stack even without optimisation. */
#ifndef SNOW_LLVM_EMIT_H
#define SNOW_LLVM_EMIT_H

#include <llvm-c/Core.h>

#include "../ir/ir.h"

LLVMModuleRef llvm_emit_module(LLVMContextRef ctx, const IrModule *m, const char *module_name);
/* The same for target `triple` (NULL = host): reduction points (concurrency.md
 * §8) are an inline TLS decrement on x86-64, a call of snow_reduce() elsewhere.
 * SNOW_EMIT_REDUCTIONS = 0 leaves them out (a runtime without processes). */
#ifndef SNOW_EMIT_REDUCTIONS
#define SNOW_EMIT_REDUCTIONS 1
#endif
LLVMModuleRef llvm_emit_module_for(LLVMContextRef ctx, const IrModule *m, const char *module_name,
                                   const char *triple);

#endif
