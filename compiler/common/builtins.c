/* builtins.c — see builtins.h. */
#include "builtins.h"

#include <ctype.h>
#include <string.h>

const BuiltinInfo builtin_table[BI__COUNT] = {
#define BUILTIN(id, mod, name, sig) [BI_##id] = {mod, name, sig},
#include "builtins.def"
#undef BUILTIN
};

static int lookup_exact(const char *module, const char *name) {
  for (int i = 0; i < BI__COUNT; i++)
    if (strcmp(builtin_table[i].module, module) == 0 && strcmp(builtin_table[i].name, name) == 0)
      return i;
  return -1;
}

int builtin_lookup(const char *module, const char *name) {
  int id = lookup_exact(module, name);
  if (id >= 0) return id;
  /* `JSON` and `Json` are two names for one module (stdlib.md §15.1): rows
   * are filed under "JSON" (the §15.1 functions, which have flat aliases)
   * or "Json" (the web/data §1.5 functions, which have none); only `encode`
   * has a row under each name. */
  if (strcmp(module, "Json") == 0) return lookup_exact("JSON", name);
  if (strcmp(module, "JSON") == 0) return lookup_exact("Json", name);
  return -1;
}

static const char *const flat_namespaces[] = {"String", "IO",    "Env",   "File",  "List", "Map",
                                              "Set",    "Tuple", "Range", "Queue", "JSON"};

int builtin_lookup_flat(const char *flat_name) {
  const char *us = strchr(flat_name, '_');
  if (!us) return -1;
  size_t plen = (size_t)(us - flat_name);
  for (size_t k = 0; k < sizeof flat_namespaces / sizeof *flat_namespaces; k++) {
    const char *ns = flat_namespaces[k];
    if (strlen(ns) != plen) continue;
    int match = 1;
    for (size_t j = 0; j < plen; j++)
      if (tolower((unsigned char)ns[j]) != flat_name[j]) match = 0;
    if (match) return lookup_exact(ns, us + 1);
  }
  return -1;
}

static const char *const namespaces[] = {
    "String", "IO",   "Env",     "File",    "List",       "Map",     "Set",  "Tuple",
    "Range",  "Queue", "Math",   "Int",     "Float",      "JSON",    "Json", "Timer",
    "Job",    "Process", "Supervisor", "HTTP", "Request", "Response", "Sqlite", "Pg",
    "Pool",   "Ws",   "Node",    "Global"};

int builtin_is_namespace(const char *name) {
  for (size_t k = 0; k < sizeof namespaces / sizeof *namespaces; k++)
    if (strcmp(namespaces[k], name) == 0) return 1;
  return 0;
}
