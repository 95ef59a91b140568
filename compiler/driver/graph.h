/* graph.h — the module import graph and the compilation order
 * (tooling.md §1.4.4).
 *
 * Contract: modules are given in discovery order with the dotted names of
 * their top-level imports as written. Imports naming no module of the list
 * are ignored (library namespaces, misspellings: the checker reports those).
 * import_order() fills order[0..n) with module indices in compilation order
 * and returns NULL, or returns the error message (self-import first, then
 * the cycle path) allocated in the arena. */
#ifndef SNOW_DRIVER_GRAPH_H
#define SNOW_DRIVER_GRAPH_H

#include "../util/arena.h"

typedef struct ModuleImports {
  const char *name;
  const char **imports;
  int nimports;
} ModuleImports;

const char *import_order(Arena *a, const ModuleImports *mods, int n, int *order);

#endif
