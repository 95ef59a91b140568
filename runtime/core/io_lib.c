/* io_lib.c — IO.read_line (stdlib.md §3).
 *
 * Contract. Reads standard input through stdio (nothing else in the runtime
 * reads it) up to and including the next LF; strips that LF and one CR
 * before it; returns Ok("") at end of input (every time), Err with the OS
 * error text of §5.2 on a read error, Err("stream did not contain valid
 * UTF-8") for invalid bytes (that line is consumed). Standard output is
 * flushed first so prompts are visible. The read itself runs on the
 * blocking-thread pool (runtime/io/blocking.h; stdin may be a regular file,
 * which epoll refuses) into a malloc'd LineRead, while the calling process
 * is parked; the Snow result is built in the process afterwards. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../io/blocking.h"
#include "io.h"
#include "text_lib.h"

/* One stdin read: written by the pool thread, owned by the caller. */
typedef struct {
  char *line; /* malloc'd by getline */
  ssize_t n;  /* getline's result */
  int err;    /* errno after a failure */
  int failed; /* ferror(stdin) after a failure */
} LineRead;

static void *read_stdin_line(void *arg) {
  LineRead *r = arg;
  size_t cap = 0;
  errno = 0;
  r->n = getline(&r->line, &cap, stdin);
  if (r->n < 0) {
    r->err = errno;
    r->failed = ferror(stdin);
    clearerr(stdin); /* later calls see end of input (or the error) again */
  }
  return NULL;
}

SnowWord snow_io_read_line(void) {
  /* A prompt printed without a newline must be visible before blocking. */
  snow_stdout_flush();
  LineRead *r = calloc(1, sizeof *r);
  if (!r) return snow_lib_err_os(ENOMEM);
  snow_blocking_run(read_stdin_line, r);
  char *line = r->line;
  ssize_t n = r->n;
  int err = r->err, failed = r->failed;
  free(r);
  if (n < 0) {
    free(line);
    if (failed && err) return snow_lib_err_os(err);
    return snow_lib_ok((SnowWord)snow_string_new("", 0), 1);
  }
  size_t len = (size_t)n;
  if (len > 0 && line[len - 1] == '\n') {
    len--;
    if (len > 0 && line[len - 1] == '\r') len--;
  }
  if (!snow_utf8_valid(line, len)) {
    free(line);
    return snow_lib_err_text("stream did not contain valid UTF-8");
  }
  SnowObj *s = snow_string_new(line, len);
  free(line);
  return snow_lib_ok((SnowWord)s, 1);
}
