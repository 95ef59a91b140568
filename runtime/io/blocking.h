/* blocking.h — the blocking-thread pool (design.md §3: "Calls that must
 * block (files, DNS, SQLite) run on a small pool of blocking threads while
 * the calling actor is parked").
 *
 * Contract of snow_blocking_run(fn, arg):
 *   - Inside a process: fn(arg) runs on one of a few pool threads (created
 *     on first use: $SNOW_BLOCKING_THREADS, default 4, at most 64); the
 *     calling process is parked meanwhile (its scheduler thread runs other
 *     processes) and the run is kept alive (snow_external_begin/end). The
 *     call returns fn's result once the process runs again.
 *   - Outside a process (no scheduler, e.g. a plain C test): fn(arg) is
 *     called directly.
 *   - fn runs on a foreign thread: it must not touch any Snow heap, allocate
 *     Snow values or call into the scheduler; arg and everything fn reads or
 *     writes must be malloc'd or static memory — never the process's stack
 *     (an idle process's stack may be saved away while it is parked) nor
 *     its heap. Build Snow values from fn's output after the call returns.
 *   - An exit signal that arrives during the call takes effect when fn has
 *     finished (the memory fn uses belongs to the caller, so the caller may
 *     not be torn down under it); the process is woken, sees the call still
 *     running and parks again.
 * Thread-safe; any number of processes may call it at once (calls beyond
 * the pool size wait in FIFO order). */
#ifndef SNOW_IO_BLOCKING_H
#define SNOW_IO_BLOCKING_H

void *snow_blocking_run(void *(*fn)(void *), void *arg);

/* Number of pool threads (starts the pool if it is not running yet). */
int snow_blocking_pool_size(void);

#endif
