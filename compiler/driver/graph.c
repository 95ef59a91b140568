/* graph.c — topological compilation order with the name-sorted queue rule
 * and the cycle path of tooling.md §1.4.4 (see graph.h). */
#include "graph.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int find_module(const ModuleImports *mods, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (strcmp(mods[i].name, name) == 0) return i;
  return -1;
}

/* Sorts module indices by module name (insertion sort: lists are short). */
static void sort_by_name(const ModuleImports *mods, int *idx, int count) {
  for (int i = 1; i < count; i++) {
    int v = idx[i], j = i - 1;
    while (j >= 0 && strcmp(mods[idx[j]].name, mods[v].name) > 0) {
      idx[j + 1] = idx[j];
      j--;
    }
    idx[j + 1] = v;
  }
}

const char *import_order(Arena *a, const ModuleImports *mods, int n, int *order) {
  /* deps[i]: distinct internal dependencies of module i, in import order */
  int **deps = ARENA_ARRAY(a, int *, n ? n : 1);
  int *ndeps = ARENA_ARRAY(a, int, n ? n : 1);
  for (int i = 0; i < n; i++) {
    deps[i] = ARENA_ARRAY(a, int, mods[i].nimports ? mods[i].nimports : 1);
    for (int k = 0; k < mods[i].nimports; k++) {
      int j = find_module(mods, n, mods[i].imports[k]);
      if (j < 0) continue;
      if (j == i) return arena_printf(a, "Module '%s' cannot import itself", mods[i].name);
      bool seen = false;
      for (int q = 0; q < ndeps[i]; q++) seen |= deps[i][q] == j;
      if (!seen) deps[i][ndeps[i]++] = j;
    }
  }

  int *pending = ARENA_ARRAY(a, int, n ? n : 1); /* outstanding dependencies */
  bool *emitted = ARENA_ARRAY(a, bool, n ? n : 1);
  int *queue = ARENA_ARRAY(a, int, n ? n : 1);
  int *fresh = ARENA_ARRAY(a, int, n ? n : 1);
  int qhead = 0, qtail = 0, nout = 0;
  for (int i = 0; i < n; i++) {
    pending[i] = ndeps[i];
    if (pending[i] == 0) queue[qtail++] = i;
  }
  sort_by_name(mods, queue, qtail);
  while (qhead < qtail) {
    int m = queue[qhead++];
    emitted[m] = true;
    order[nout++] = m;
    int nfresh = 0;
    for (int i = 0; i < n; i++) {
      if (emitted[i] || pending[i] == 0) continue;
      for (int q = 0; q < ndeps[i]; q++)
        if (deps[i][q] == m && --pending[i] == 0) fresh[nfresh++] = i;
    }
    sort_by_name(mods, fresh, nfresh);
    for (int k = 0; k < nfresh; k++) queue[qtail++] = fresh[k];
  }
  if (nout == n) return NULL;

  /* Cycle: start at the first unordered module in discovery order and follow
   * each module's first unresolved dependency until a module repeats. */
  int start = 0;
  while (emitted[start]) start++;
  int *path = ARENA_ARRAY(a, int, n + 1);
  int len = 0;
  bool *on_path = ARENA_ARRAY(a, bool, n);
  int cur = start;
  while (!on_path[cur]) {
    on_path[cur] = true;
    path[len++] = cur;
    int next = -1;
    for (int q = 0; q < ndeps[cur] && next < 0; q++)
      if (!emitted[deps[cur][q]]) next = deps[cur][q];
    cur = next; /* an unordered module always has an unresolved dependency */
  }
  path[len++] = cur;
  size_t total = 32;
  for (int i = 0; i < len; i++) total += strlen(mods[path[i]].name) + 4;
  char *msg = arena_alloc(a, total);
  strcpy(msg, "Circular dependency: ");
  for (int i = 0; i < len; i++) {
    if (i) strcat(msg, " -> ");
    strcat(msg, mods[path[i]].name);
  }
  return msg;
}
