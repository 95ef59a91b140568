/* env.c — Env.get and Env.args (stdlib.md §4).
 * Contract. Env.get returns Some(value) for a variable with exactly that name;
 * None for an empty name, a name with '=' or NUL, an unset variable or a
 * value that is not valid UTF-8. Env.args returns argv[1..] as recorded by
 * snow_rt_main (start.c); arguments that are not valid UTF-8 are passed
 * through unchanged (language.md §6.13 counts each invalid byte as one code
 * point). */
#include <stdlib.h>
#include <string.h>

#include "gc.h"
#include "list.h"
#include "text.h"
#include "text_lib.h"

extern int snow_rt_argc;
extern char **snow_rt_argv;

SnowWord snow_env_get(SnowObj *name) {
  size_t len = snow_str_len(name);
  const char *n = snow_str_bytes(name);
  if (len == 0 || memchr(n, '=', len) || memchr(n, '\0', len)) return SNOW_NONE;
  const char *v = getenv(n); /* the STRING payload is NUL-terminated */
  if (!v || !snow_utf8_valid(v, strlen(v))) return SNOW_NONE;
  return snow_lib_some((SnowWord)snow_string_new(v, strlen(v)), 1);
}

SnowObj *snow_env_args(void) {
  int n = snow_rt_argc > 1 ? snow_rt_argc - 1 : 0;
  if (n == 0) return snow_list_empty();
  SnowObj *volatile arr = snow_array_new((uint64_t)n, 1);
  for (int i = 0; i < n; i++) {
    const char *a = snow_rt_argv[i + 1];
    SnowObj *s = snow_string_new(a, strlen(a));
    SNOW_PAYLOAD(arr)[i] = (SnowWord)s;
    snow_gc_write_barrier(arr);
  }
  return snow_list_view(arr, 0, (uint64_t)n);
}
