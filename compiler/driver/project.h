/* project.h — a project directory on disk: checks, module discovery and
 * naming, output paths (tooling.md §1.4.2, §1.4.3, §1.4.5).
 *
 * Contract: every function reports failure by returning an error message
 * (the text after `error: `, allocated in the arena) and success by
 * returning NULL; nothing is printed. Paths "as printed in diagnostics" are
 * the directory argument as typed joined with the relative path, or the bare
 * relative path when the directory was omitted. */
#ifndef SNOW_DRIVER_PROJECT_H
#define SNOW_DRIVER_PROJECT_H

#include "../util/arena.h"

typedef struct ProjectFile {
  const char *rel_path;    /* "store/inventory_item.snow" */
  const char *path;        /* as printed in diagnostics */
  const char *module_name; /* "Store.InventoryItem" */
} ProjectFile;

typedef struct Project {
  const char *dir_arg;      /* as typed; NULL when omitted */
  const char *dir_display;  /* dir_arg or "." */
  ProjectFile *files;       /* discovery order (byte-wise sorted rel paths) */
  int nfiles;
  int entry;                /* index of main.snow (module Main) */
  const char *package_name; /* from snow.toml, or NULL */
} Project;

/* "text_utils" -> "TextUtils" (one path piece, §1.4.3 PascalCase rule). */
char *project_pascal_case(Arena *a, const char *piece, size_t len);
/* "store/inventory_item.snow" -> "Store.InventoryItem". */
char *project_module_name(Arena *a, const char *rel_path);
/* dir_arg joined with rel (no doubled '/'); rel alone when dir_arg is NULL. */
char *project_join(Arena *a, const char *dir_arg, const char *rel);

/* Checks the directory and main.snow, reads the manifest if present, walks
 * the tree and names the modules (duplicate names are an error). */
const char *project_open(Arena *a, const char *dir_arg, Project *out);

/* A one-file project: FILE.snow (path as typed) is module Main. */
void project_single_file(Arena *a, const char *file_path, Project *out);

/* Default executable path (§1.4.5): <DIR>/<name>. */
const char *project_default_output(Arena *a, const Project *p);
/* The executable path with its extension replaced by (or extended with) `ext`
 * (".ll", ".ir", ".o"). */
char *project_replace_extension(Arena *a, const char *path, const char *ext);

/* Reads a whole file into the arena; NULL + message on failure. */
const char *project_read_file(Arena *a, const char *path, char **text, size_t *len);

#endif
