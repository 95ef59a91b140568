/* io.h — the runtime's buffered standard output (internal).
 *
 * Contract. snow_print/snow_println append to one process-wide buffer that is
 * written out when full, after every line when stdout is a terminal, when the
 * program ends (snow_rt_main and an atexit hook), and before any panic or
 * fatal message (snow_stdout_flush). Standard error is never buffered.
 * Not yet thread-safe: issue #4 adds a lock so lines never interleave. */
#ifndef SNOW_IO_H
#define SNOW_IO_H

#include <stddef.h>

/* Writes everything buffered; async-signal-safe enough for fatal paths
 * (only write(2) is called). */
void snow_stdout_flush(void);
/* Writes `len` bytes to a file descriptor completely (retrying on EINTR). */
void snow_write_all(int fd, const char *bytes, size_t len);

#endif
