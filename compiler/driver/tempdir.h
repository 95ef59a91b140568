/* tempdir.h — a private scratch directory for `snowc run FILE.snow`.
 *
 * Contract: tempdir_create() makes a fresh directory under $TMPDIR (or /tmp)
 * and returns its path (NULL on failure); tempdir_remove() deletes the files
 * directly inside it and then the directory itself. */
#ifndef SNOW_DRIVER_TEMPDIR_H
#define SNOW_DRIVER_TEMPDIR_H

#include "../util/arena.h"

const char *tempdir_create(Arena *a);
void tempdir_remove(Arena *a, const char *dir);

#endif
