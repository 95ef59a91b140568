/* fuzz_frontend.c — libFuzzer entry point over the front end: one in-memory
 * module is lexed, parsed and (when it parsed cleanly) type-checked as the
 * entry module of a one-module program; a program that checks without error
 * is also lowered to the typed IR (with the self-tail-call pass) and printed,
 * which covers everything before LLVM. Diagnostics are rendered (both
 * renderings alternate, to exercise the printer) into /dev/null. Any crash,
 * sanitizer report, leak or hang is a bug: bad input must give diagnostics.
 * Built and run by tests/fuzz/run_fuzz.sh (`make fuzz`). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../../compiler/check/check.h"
#include "../../compiler/common/program.h"
#include "../../compiler/diag/diag.h"
#include "../../compiler/ir/lower.h"
#include "../../compiler/ir/passes.h"
#include "../../compiler/syntax/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* The sink is opened once per process: libFuzzer calls this millions of times. */
  static FILE *sink;
  if (!sink) sink = fopen("/dev/null", "w");
  if (!sink) return 0;

  Arena arena;
  arena_init(&arena);
  DiagContext dc;
  diag_init(&dc, &arena, size % 2 == 1, false, sink);
  SourceFile *file = source_from_bytes(&arena, "main.snow", (const char *)data, size);
  file->rel_path = "main.snow";
  file->module_name = "Main";
  Module *module = parse_module(&arena, &dc, file);
  module->name = "Main";
  diag_flush(&dc);
  if (!module->has_parse_errors && dc.error_count == 0) {
    Program program = {0};
    Module *modules[1] = {module};
    program.modules = modules;
    program.nmodules = 1;
    program.entry = module;
    bool ok = check_program(&arena, &dc, &program);
    diag_flush(&dc);
    if (ok && dc.error_count == 0 && program.main_fn) {
      IrModule *ir = lower_program(&arena, &dc, &program);
      if (ir) {
        ir_pass_self_tail_calls(&arena, ir);
        ir_print(sink, ir);
      }
    }
  }
  arena_free(&arena);
  return 0;
}
