/* prelude_process.c — the prelude sum types of the process model
 * (concurrency.md §10.1, §10.4) as constant SumDecl/Variant objects, like
 * Option/Result/Ordering in resolve.c:
 *
 *   type ExitReason do Normal Shutdown Killed NoProc NoConnection
 *                      Error(String) Custom(String) end
 *   type Signal do Exit(Pid, ExitReason) Down(Int, Pid, ExitReason)
 *                  NodeUp(String) NodeDown(String) end
 *
 * Their values are ordinary sum values (nullary variants are the immediates
 * 0..4, the others RECORDs tagged with the variant index), which is exactly
 * the layout of runtime/include/snow_rt.h "processes area". Types are T_CON
 * TC_SUM with these decls; user definitions of the same names shadow them
 * (lookups consult the module's tables first). */
#include <string.h>

#include "check_internal.h"

static SumDecl exit_reason_decl, signal_decl;

static Type string_t = {.kind = T_STRING};
static Type int_t = {.kind = T_INT};
static Type pid_t_ = {.kind = T_CON, .con = TC_PID, .name = "Pid"};
static Type exit_reason_t = {
    .kind = T_CON, .con = TC_SUM, .name = "ExitReason", .sum_decl = &exit_reason_decl};

static VariantField fields3[3];
static Type *one_string[] = {&string_t};
static Type *exit_fields[] = {&pid_t_, &exit_reason_t};
static Type *down_fields[] = {&int_t, &pid_t_, &exit_reason_t};

#define PRELUDE_VARIANT(var, nm, nf, ftypes, own, idx)                                             \
  static Variant var = {.name = {nm, {0, 0}},                                                      \
                        .fields = {nf ? fields3 : NULL, nf, nf},                                   \
                        .owner = &own,                                                             \
                        .index = idx,                                                              \
                        .field_types = ftypes}

PRELUDE_VARIANT(normal_v, "Normal", 0, NULL, exit_reason_decl, 0);
PRELUDE_VARIANT(shutdown_v, "Shutdown", 0, NULL, exit_reason_decl, 1);
PRELUDE_VARIANT(killed_v, "Killed", 0, NULL, exit_reason_decl, 2);
PRELUDE_VARIANT(noproc_v, "NoProc", 0, NULL, exit_reason_decl, 3);
PRELUDE_VARIANT(noconnection_v, "NoConnection", 0, NULL, exit_reason_decl, 4);
PRELUDE_VARIANT(error_v, "Error", 1, one_string, exit_reason_decl, 5);
PRELUDE_VARIANT(custom_v, "Custom", 1, one_string, exit_reason_decl, 6);
PRELUDE_VARIANT(exit_v, "Exit", 2, exit_fields, signal_decl, 0);
PRELUDE_VARIANT(down_v, "Down", 3, down_fields, signal_decl, 1);
PRELUDE_VARIANT(nodeup_v, "NodeUp", 1, one_string, signal_decl, 2);
PRELUDE_VARIANT(nodedown_v, "NodeDown", 1, one_string, signal_decl, 3);

static Variant *exit_reason_variants[] = {&normal_v, &shutdown_v, &killed_v, &noproc_v,
                                          &noconnection_v, &error_v, &custom_v};
static Variant *signal_variants[] = {&exit_v, &down_v, &nodeup_v, &nodedown_v};

/* Debug and Display are derived-style (Display of ExitReason is replaced by
 * the §10.1 table in lowering); Eq and Hash as for any sum type. */
static SumDecl exit_reason_decl = {.name = {"ExitReason", {0, 0}},
                                   .variants = {exit_reason_variants, 7, 7},
                                   .id = -4,
                                   .derives = DERIVE_EQ | DERIVE_HASH | DERIVE_DEBUG |
                                              DERIVE_DISPLAY,
                                   .is_builtin = true};
static SumDecl signal_decl = {.name = {"Signal", {0, 0}},
                              .variants = {signal_variants, 4, 4},
                              .id = -5,
                              .derives = DERIVE_EQ | DERIVE_HASH | DERIVE_DEBUG | DERIVE_DISPLAY,
                              .is_builtin = true};

SumDecl *check_prelude_sum(const char *name) {
  if (!name) return NULL;
  if (!strcmp(name, "ExitReason")) return &exit_reason_decl;
  if (!strcmp(name, "Signal")) return &signal_decl;
  return NULL;
}

Variant *prelude_process_variant(const char *name) {
  static Variant *const all[] = {&normal_v, &shutdown_v, &killed_v, &noproc_v, &noconnection_v,
                                 &error_v,  &custom_v,   &exit_v,   &down_v,   &nodeup_v,
                                 &nodedown_v};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    if (!strcmp(all[i]->name.text, name)) return all[i];
  return NULL;
}

Type *prelude_exit_reason_type(void) {
  return &exit_reason_t;
}
