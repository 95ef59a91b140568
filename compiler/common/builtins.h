/* builtins.h — ids and metadata of library functions (see builtins.def).
 *
 * Contract: builtin_table[id] describes BI_<ID>. builtin_lookup() finds a
 * function by namespace ("" for the prelude) and name; flat aliases
 * (`list_map`) are resolved by builtin_lookup_flat(). The table is constant. */
#ifndef SNOW_BUILTINS_H
#define SNOW_BUILTINS_H

typedef enum BuiltinId {
#define BUILTIN(id, mod, name, sig) BI_##id,
#include "builtins.def"
#undef BUILTIN
  BI__COUNT
} BuiltinId;

typedef struct BuiltinInfo {
  const char *module; /* "" = prelude */
  const char *name;
  const char *signature;
} BuiltinInfo;

extern const BuiltinInfo builtin_table[BI__COUNT];

/* Returns the id, or -1. */
int builtin_lookup(const char *module, const char *name);
/* `list_map` -> BI_LIST_MAP for the namespaces that have flat aliases
 * (String, IO, Env, File, List, Map, Set, Tuple, Range, Queue, JSON); or -1. */
int builtin_lookup_flat(const char *flat_name);
/* True when `name` is a standard-library namespace (language.md Appendix B). */
int builtin_is_namespace(const char *name);

#endif
