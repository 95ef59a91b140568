/* io.h — the runtime's buffered standard output (internal).
 *
 * Contract. snow_print/snow_println append to one process-wide buffer that is
 * written out when full, after every line when stdout is a terminal, when the
 * program ends (snow_rt_main and an atexit hook), and before any panic or
 * fatal message (snow_stdout_flush). Standard error is never buffered.
 * Thread-safe: one mutex, held for a whole print/println call (calls are
 * atomic, §7 of concurrency.md). */
#ifndef SNOW_IO_H
#define SNOW_IO_H

#include <stddef.h>

/* Writes everything buffered; async-signal-safe enough for fatal paths
 * (only write(2) is called). */
void snow_stdout_flush(void);
/* The same for fatal paths that may run in a signal handler or while this
 * thread holds the buffer's mutex: takes it only if it is free. */
void snow_stdout_flush_unlocked(void);
/* Writes `len` bytes to a file descriptor completely (retrying on EINTR). */
void snow_write_all(int fd, const char *bytes, size_t len);

#endif
