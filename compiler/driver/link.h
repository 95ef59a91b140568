/* link.h — linking the object file with the runtime library through `cc`,
 * and running child processes (tooling.md §1.4.6, §1.10).
 *
 * Contract: link_find_runtime() locates libsnowrt.a next to the running
 * snowc executable. link_executable() runs
 *   cc -o EXE OBJ RUNTIME -lm -lpthread SNOW_LINK_EXTRA
 * and on failure returns the complete message (text after `error: `, which
 * may span lines for linker output). process_run() starts a program with
 * inherited stdio and returns its exit status (128 + signal when killed),
 * or -1 with *err set when it could not be started. */
#ifndef SNOW_DRIVER_LINK_H
#define SNOW_DRIVER_LINK_H

#include "../util/arena.h"

/* NULL + *err (message naming the searched path) when absent. */
const char *link_find_runtime(Arena *a, const char **err);
const char *link_executable(Arena *a, const char *obj, const char *runtime_lib, const char *exe);
int process_run(Arena *a, const char *exe, const char *const *args, int nargs, const char **err);

#endif
