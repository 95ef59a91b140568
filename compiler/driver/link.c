/* link.c — `cc` invocation and child processes (see link.h). */
#include "link.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SNOW_LINK_EXTRA
#define SNOW_LINK_EXTRA ""
#endif

const char *link_find_runtime(Arena *a, const char **err) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    *err = arena_printf(a, "Cannot locate the snowc executable to find the runtime library: %s", strerror(errno));
    return NULL;
  }
  self[n] = 0;
  char *slash = strrchr(self, '/');
  if (slash) *slash = 0;
  const char *lib = arena_printf(a, "%s/libsnowrt.a", self);
  struct stat st;
  if (stat(lib, &st) != 0 || !S_ISREG(st.st_mode)) {
    *err = arena_printf(a, "Snow runtime library not found (searched '%s')", lib);
    return NULL;
  }
  return lib;
}

/* Splits SNOW_LINK_EXTRA on spaces into argv entries. */
static int split_extra(Arena *a, const char **argv, int at, int max) {
  const char *s = SNOW_LINK_EXTRA;
  while (*s && at < max) {
    while (*s == ' ') s++;
    const char *e = s;
    while (*e && *e != ' ') e++;
    if (e > s) argv[at++] = arena_strndup(a, s, (size_t)(e - s));
    s = e;
  }
  return at;
}

const char *link_executable(Arena *a, const char *obj, const char *runtime_lib, const char *exe) {
  const char *argv[64];
  int n = 0;
  argv[n++] = "cc";
  argv[n++] = "-o";
  argv[n++] = exe;
  argv[n++] = obj;
  argv[n++] = runtime_lib;
  argv[n++] = "-lm";
  argv[n++] = "-lpthread";
  n = split_extra(a, argv, n, 62);
  argv[n] = NULL;

  int out[2], status_pipe[2];
  if (pipe(out) != 0 || pipe(status_pipe) != 0)
    return arena_printf(a, "Failed to invoke linker (cc): %s", strerror(errno));
  fcntl(status_pipe[1], F_SETFD, FD_CLOEXEC);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return arena_printf(a, "Failed to invoke linker (cc): %s", strerror(errno));
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(out[1], 2);
    close(out[0]);
    close(out[1]);
    close(status_pipe[0]);
    execvp("cc", (char *const *)argv);
    int e = errno;
    ssize_t ignored = write(status_pipe[1], &e, sizeof e);
    (void)ignored;
    _exit(127);
  }
  close(out[1]);
  close(status_pipe[1]);
  /* collect the linker's output */
  size_t cap = 1024, len = 0;
  char *text = malloc(cap);
  for (;;) {
    if (len + 512 > cap) text = realloc(text, cap *= 2);
    ssize_t got = read(out[0], text + len, cap - len - 1);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    len += (size_t)got;
  }
  text[len] = 0;
  close(out[0]);
  int exec_errno = 0;
  ssize_t got = read(status_pipe[0], &exec_errno, sizeof exec_errno);
  close(status_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const char *result = NULL;
  if (got == (ssize_t)sizeof exec_errno) {
    result = arena_printf(a, "Failed to invoke linker (cc): %s", strerror(exec_errno));
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    while (len && text[len - 1] == '\n') text[--len] = 0;
    result = arena_printf(a, "Linking failed:\n%s", text);
  }
  free(text);
  return result;
}

int process_run(Arena *a, const char *exe, const char *const *args, int nargs, const char **err) {
  const char **argv = ARENA_ARRAY(a, const char *, nargs + 2);
  argv[0] = exe;
  for (int i = 0; i < nargs; i++) argv[i + 1] = args[i];
  argv[nargs + 1] = NULL;
  /* exec needs a path with a slash to avoid a $PATH search */
  const char *path = strchr(exe, '/') ? exe : arena_printf(a, "./%s", exe);
  int status_pipe[2];
  if (pipe(status_pipe) != 0) {
    *err = arena_printf(a, "Failed to run '%s': %s", exe, strerror(errno));
    return -1;
  }
  fcntl(status_pipe[1], F_SETFD, FD_CLOEXEC);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    *err = arena_printf(a, "Failed to run '%s': %s", exe, strerror(errno));
    return -1;
  }
  if (pid == 0) {
    close(status_pipe[0]);
    execv(path, (char *const *)argv);
    int e = errno;
    ssize_t ignored = write(status_pipe[1], &e, sizeof e);
    (void)ignored;
    _exit(127);
  }
  close(status_pipe[1]);
  int exec_errno = 0;
  ssize_t got = read(status_pipe[0], &exec_errno, sizeof exec_errno);
  close(status_pipe[0]);
  /* the child owns the terminal's Ctrl-C now; snowc just waits */
  void (*old_int)(int) = signal(SIGINT, SIG_IGN);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  signal(SIGINT, old_int);
  if (got == (ssize_t)sizeof exec_errno) {
    *err = arena_printf(a, "Failed to run '%s': %s", exe, strerror(exec_errno));
    return -1;
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
