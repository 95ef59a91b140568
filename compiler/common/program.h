/* program.h — the whole program being compiled: its modules in compilation
 * order (tooling.md §1.4.4), shared by the checker, lowering and codegen.
 *
 * Contract: the driver fills `modules` (parsed, in compilation order, the
 * entry module `Main` last among those that depend on it) and `entry`.
 * The checker adds its annotations to the trees; later passes read them. */
#ifndef SNOW_PROGRAM_H
#define SNOW_PROGRAM_H

#include "../syntax/ast.h"

typedef struct Program {
  Module **modules;
  int nmodules;
  Module *entry; /* module Main */
  FnDecl *main_fn; /* set by the checker when Main defines main() */
  void *traits;    /* checker: the program-wide interface/impl registry (check/traits.c) */
} Program;

#endif
