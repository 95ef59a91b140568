/* backend.c — LLVM module to .ll and object file (see backend.h). */
#include "backend.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <stdlib.h>
#include <string.h>

#include "llvm_emit.h"

static void init_llvm_targets(void) {
  static int done; /* LLVM's target registry is process-global anyway */
  if (done) return;
  LLVMInitializeAllTargetInfos();
  LLVMInitializeAllTargets();
  LLVMInitializeAllTargetMCs();
  LLVMInitializeAllAsmPrinters();
  LLVMInitializeAllAsmParsers(); /* the inline reduction decrement (llvm_emit.c) */
  done = 1;
}

/* Creates the target machine for `triple`, or reports why it cannot. */
static LLVMTargetMachineRef make_target_machine(DiagContext *dc, const char *triple, bool host,
                                                int opt_level) {
  LLVMTargetRef target;
  char *err = NULL;
  if (LLVMGetTargetFromTriple(triple, &target, &err)) {
    /* LLVM's message may end with a newline or a period; keep it as is. */
    size_t n = err ? strlen(err) : 0;
    while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
      n--;
    diag_fatal_line(dc, "Invalid target triple '%s': %.*s", triple, (int)n, err ? err : "");
    LLVMDisposeMessage(err);
    return NULL;
  }
  char *cpu = host ? LLVMGetHostCPUName() : NULL;
  char *features = host ? LLVMGetHostCPUFeatures() : NULL;
  LLVMCodeGenOptLevel level = opt_level >= 2   ? LLVMCodeGenLevelDefault
                              : opt_level == 1 ? LLVMCodeGenLevelLess
                                               : LLVMCodeGenLevelNone;
  LLVMTargetMachineRef tm =
      LLVMCreateTargetMachine(target, triple, cpu ? cpu : "generic", features ? features : "",
                              level, LLVMRelocPIC, LLVMCodeModelDefault);
  if (cpu) LLVMDisposeMessage(cpu);
  if (features) LLVMDisposeMessage(features);
  return tm;
}

int backend_compile(DiagContext *dc, const IrModule *m, const CodegenOptions *opts) {
  init_llvm_targets();
  char *host_triple = LLVMGetDefaultTargetTriple();
  const char *triple = opts->target_triple ? opts->target_triple : host_triple;
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = llvm_emit_module_for(ctx, m, "snow", triple);
  LLVMSetTarget(mod, triple);
  int rc = 0;
  char *err = NULL;
  LLVMTargetMachineRef tm = NULL;

  /* The .ll is written before anything can fail on the target. */
  if (opts->ll_path && LLVMPrintModuleToFile(mod, opts->ll_path, &err)) {
    diag_fatal_line(dc, "cannot write '%s': %s", opts->ll_path, err);
    rc = 1;
    goto done;
  }
  if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &err)) {
    diag_fatal_line(dc, "internal compiler error: invalid LLVM IR: %s", err);
    rc = 1;
    goto done;
  }
  LLVMDisposeMessage(err);
  err = NULL;
  tm = make_target_machine(dc, triple, strcmp(triple, host_triple) == 0, opts->opt_level);
  if (!tm) {
    rc = 1;
    goto done;
  }
  LLVMTargetDataRef layout = LLVMCreateTargetDataLayout(tm);
  char *layout_str = LLVMCopyStringRepOfTargetData(layout);
  LLVMSetDataLayout(mod, layout_str);
  LLVMDisposeMessage(layout_str);
  LLVMDisposeTargetData(layout);

  if (opts->opt_level > 0) {
    LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
    const char *pipeline = opts->opt_level >= 2 ? "default<O2>" : "default<O1>";
    LLVMErrorRef perr = LLVMRunPasses(mod, pipeline, tm, po);
    LLVMDisposePassBuilderOptions(po);
    if (perr) {
      char *msg = LLVMGetErrorMessage(perr);
      diag_fatal_line(dc, "internal compiler error: LLVM passes failed: %s", msg);
      LLVMDisposeErrorMessage(msg);
      rc = 1;
      goto done;
    }
  }
  if (opts->obj_path &&
      LLVMTargetMachineEmitToFile(tm, mod, opts->obj_path, LLVMObjectFile, &err)) {
    diag_fatal_line(dc, "cannot write object file '%s': %s", opts->obj_path, err);
    rc = 1;
    goto done;
  }
done:
  if (err) LLVMDisposeMessage(err);
  if (tm) LLVMDisposeTargetMachine(tm);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  LLVMDisposeMessage(host_triple);
  return rc;
}
