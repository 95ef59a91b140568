/* manifest.h — reading `snow.toml` (tooling.md §2.2).
 *
 * Contract: manifest_read() parses the small TOML subset a manifest uses
 * (tables, `key = "string"`, arrays of strings, inline tables) and validates
 * [package] name/version. Returns NULL on success or the error message
 * (text after `error: `). Dependencies are recorded by name only: fetching
 * them is not implemented yet, and a manifest that declares any is reported
 * as an error rather than silently ignored. */
#ifndef SNOW_DRIVER_MANIFEST_H
#define SNOW_DRIVER_MANIFEST_H

#include <stddef.h>

#include "../util/arena.h"

typedef struct Manifest {
  const char *name;
  const char *version;
  int ndependencies;
  const char *first_dependency;
} Manifest;

/* `path` is used in messages; `text` is the file content. */
const char *manifest_parse(Arena *a, const char *path, const char *text, size_t len, Manifest *out);

/* §1.6 package-name rule: NULL when valid, else the reason. */
const char *manifest_name_problem(const char *name);

#endif
