/* io_lib.c — IO.read_line (stdlib.md §3).
 *
 * Contract. Reads standard input through stdio (nothing else in the runtime
 * reads it) up to and including the next LF; strips that LF and one CR
 * before it; returns Ok("") at end of input (every time), Err with the OS
 * error text of §5.2 on a read error, Err("stream did not contain valid
 * UTF-8") for invalid bytes (that line is consumed). Standard output is
 * flushed first so prompts are visible. Blocking (issue #4 moves it off the
 * scheduler). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "io.h"
#include "text_lib.h"

SnowWord snow_io_read_line(void) {
  /* A prompt printed without a newline must be visible before blocking. */
  snow_stdout_flush();
  char *line = NULL;
  size_t cap = 0;
  errno = 0;
  ssize_t n = getline(&line, &cap, stdin);
  if (n < 0) {
    int err = errno;
    int failed = ferror(stdin);
    free(line);
    clearerr(stdin); /* later calls see end of input (or the error) again */
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
