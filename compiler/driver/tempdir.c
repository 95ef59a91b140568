/* tempdir.c — see tempdir.h. */
#include "tempdir.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

const char *tempdir_create(Arena *a) {
  const char *base = getenv("TMPDIR");
  if (!base || !*base) base = "/tmp";
  char *tmpl = arena_printf(a, "%s/snowc-run-XXXXXX", base);
  return mkdtemp(tmpl);
}

void tempdir_remove(Arena *a, const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) continue;
      unlink(arena_printf(a, "%s/%s", dir, e->d_name));
    }
    closedir(d);
  }
  rmdir(dir);
}
