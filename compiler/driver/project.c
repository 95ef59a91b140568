/* project.c — project checks, module discovery and output paths (see project.h). */
#include "project.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/vec.h"
#include "manifest.h"

char *project_pascal_case(Arena *a, const char *piece, size_t len) {
  char *out = arena_alloc(a, len + 1);
  size_t n = 0;
  bool start = true;
  for (size_t i = 0; i < len; i++) {
    char c = piece[i];
    if (c == '_') {
      start = true;
      continue;
    }
    out[n++] = start && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    start = false;
  }
  out[n] = 0;
  return out;
}

char *project_module_name(Arena *a, const char *rel_path) {
  size_t len = strlen(rel_path);
  if (len >= 5 && strcmp(rel_path + len - 5, ".snow") == 0) len -= 5;
  char *out = arena_alloc(a, len * 2 + 1);
  size_t n = 0;
  const char *p = rel_path, *end = rel_path + len;
  while (p < end) {
    const char *slash = memchr(p, '/', (size_t)(end - p));
    const char *stop = slash ? slash : end;
    char *piece = project_pascal_case(a, p, (size_t)(stop - p));
    if (n) out[n++] = '.';
    size_t pl = strlen(piece);
    memcpy(out + n, piece, pl);
    n += pl;
    p = slash ? slash + 1 : end;
  }
  out[n] = 0;
  return out;
}

char *project_join(Arena *a, const char *dir_arg, const char *rel) {
  if (!dir_arg) return arena_strdup(a, rel);
  size_t dl = strlen(dir_arg);
  if (dl && dir_arg[dl - 1] == '/') return arena_printf(a, "%s%s", dir_arg, rel);
  return arena_printf(a, "%s/%s", dir_arg, rel);
}

typedef VEC(const char *) PathVec;

static int compare_bytes(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Recursive walk collecting relative paths of *.snow files. */
static const char *walk(Arena *a, const char *root_fs, const char *rel_dir, const char *dir_arg, PathVec *out) {
  const char *fs_dir = rel_dir[0] ? arena_printf(a, "%s/%s", root_fs, rel_dir) : root_fs;
  DIR *d = opendir(fs_dir);
  if (!d) {
    const char *shown = rel_dir[0] ? project_join(a, dir_arg, rel_dir) : (dir_arg ? dir_arg : ".");
    return arena_printf(a, "Failed to walk directory '%s': %s", shown, strerror(errno));
  }
  const char *err = NULL;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue; /* also skips . and .. */
    const char *rel = rel_dir[0] ? arena_printf(a, "%s/%s", rel_dir, e->d_name) : arena_strdup(a, e->d_name);
    const char *fs = arena_printf(a, "%s/%s", root_fs, rel);
    struct stat st;
    if (lstat(fs, &st) != 0) continue;
    bool is_link = S_ISLNK(st.st_mode);
    if (is_link && stat(fs, &st) != 0) continue; /* dangling link */
    if (S_ISDIR(st.st_mode)) {
      if (is_link) continue; /* symlinked directories could loop */
      err = walk(a, root_fs, rel, dir_arg, out);
      if (err) break;
    } else if (S_ISREG(st.st_mode)) {
      size_t n = strlen(e->d_name);
      if (n > 5 && strcmp(e->d_name + n - 5, ".snow") == 0) VEC_PUSH(a, *out, rel);
    }
  }
  closedir(d);
  return err;
}

/* Returns 0 or the errno of the failure. */
static int read_whole_file(Arena *a, const char *path, char **text, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return errno;
  size_t cap = 4096, n = 0;
  char *buf = arena_alloc(a, cap + 1);
  for (;;) {
    if (n == cap) {
      char *bigger = arena_alloc(a, cap * 2 + 1);
      memcpy(bigger, buf, n);
      buf = bigger;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  int failed = ferror(f) ? (errno ? errno : EIO) : 0;
  fclose(f);
  if (failed) return failed;
  buf[n] = 0;
  *text = buf;
  *len = n;
  return 0;
}

const char *project_read_file(Arena *a, const char *path, char **text, size_t *len) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return arena_printf(a, "Failed to read '%s': %s", path, strerror(EISDIR));
  int e = read_whole_file(a, path, text, len);
  return e ? arena_printf(a, "Failed to read '%s': %s", path, strerror(e)) : NULL;
}

const char *project_open(Arena *a, const char *dir_arg, Project *out) {
  memset(out, 0, sizeof *out);
  out->dir_arg = dir_arg;
  out->dir_display = dir_arg ? dir_arg : ".";
  const char *fs_root = dir_arg ? dir_arg : ".";
  struct stat st;
  if (stat(fs_root, &st) != 0) return arena_printf(a, "Project directory '%s' does not exist", out->dir_display);
  if (!S_ISDIR(st.st_mode)) return arena_printf(a, "'%s' is not a directory", out->dir_display);
  const char *main_fs = arena_printf(a, "%s/main.snow", fs_root);
  if (stat(main_fs, &st) != 0 || !S_ISREG(st.st_mode))
    return arena_printf(a, "No 'main.snow' found in '%s'. Snow projects must have a main.snow entry point.",
                        out->dir_display);

  const char *manifest_path = project_join(a, dir_arg, "snow.toml");
  if (stat(arena_printf(a, "%s/snow.toml", fs_root), &st) == 0) {
    char *text;
    size_t len;
    int e = read_whole_file(a, arena_printf(a, "%s/snow.toml", fs_root), &text, &len);
    if (e) return arena_printf(a, "Failed to read %s: %s", manifest_path, strerror(e));
    Manifest m;
    const char *err = manifest_parse(a, manifest_path, text, len, &m);
    if (err) return err;
    if (m.ndependencies)
      return arena_printf(a, "Dependency '%s' in %s: dependencies are not supported by this snowc yet",
                          m.first_dependency, manifest_path);
    out->package_name = m.name;
  }

  PathVec rels = {0};
  const char *err = walk(a, fs_root, "", dir_arg, &rels);
  if (err) return err;
  qsort(rels.items, (size_t)rels.len, sizeof(const char *), compare_bytes);

  out->files = ARENA_ARRAY(a, ProjectFile, rels.len ? rels.len : 1);
  out->nfiles = rels.len;
  out->entry = -1;
  for (int i = 0; i < rels.len; i++) {
    ProjectFile *f = &out->files[i];
    f->rel_path = rels.items[i];
    f->path = project_join(a, dir_arg, f->rel_path);
    f->module_name = project_module_name(a, f->rel_path);
    if (strcmp(f->rel_path, "main.snow") == 0) {
      out->entry = i;
      f->module_name = "Main";
    }
  }
  for (int i = 0; i < out->nfiles; i++)
    for (int j = i + 1; j < out->nfiles; j++)
      if (strcmp(out->files[i].module_name, out->files[j].module_name) == 0)
        return arena_printf(a, "Duplicate module name '%s': '%s' and '%s'", out->files[i].module_name,
                            out->files[i].path, out->files[j].path);
  if (out->entry < 0) /* main.snow vanished between the checks */
    return arena_printf(a, "No 'main.snow' found in '%s'. Snow projects must have a main.snow entry point.",
                        out->dir_display);
  return NULL;
}

void project_single_file(Arena *a, const char *file_path, Project *out) {
  memset(out, 0, sizeof *out);
  out->dir_display = ".";
  out->files = ARENA_NEW(a, ProjectFile);
  out->files[0].rel_path = "main.snow";
  out->files[0].path = file_path;
  out->files[0].module_name = "Main";
  out->nfiles = 1;
  out->entry = 0;
}

const char *project_default_output(Arena *a, const Project *p) {
  const char *name = p->package_name;
  if (!name) {
    char resolved[PATH_MAX];
    const char *dir = p->dir_arg ? p->dir_arg : ".";
    if (!realpath(dir, resolved)) snprintf(resolved, sizeof resolved, "%s", dir);
    size_t n = strlen(resolved);
    while (n > 1 && resolved[n - 1] == '/') resolved[--n] = 0;
    const char *slash = strrchr(resolved, '/');
    const char *last = slash ? slash + 1 : resolved;
    name = *last ? arena_strdup(a, last) : "output";
  }
  return project_join(a, p->dir_arg, name);
}

char *project_replace_extension(Arena *a, const char *path, const char *ext) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t keep = dot && dot != base ? (size_t)(dot - path) : strlen(path);
  return arena_printf(a, "%.*s%s", (int)keep, path, ext);
}
