/* poller.h — readiness waits on file descriptors without blocking a
 * scheduler thread (design.md §3: "sockets are non-blocking; an actor that
 * waits on one parks, and an epoll-based poller wakes it").
 *
 * Contract of snow_poll_wait(fd, events, timeout_ms):
 *   events: SNOW_POLL_READ and/or SNOW_POLL_WRITE. timeout_ms < 0: no limit;
 *   0: just looks; > 0: gives up after that many milliseconds.
 *   Returns the subset of `events` that is ready (> 0), 0 on timeout, or -1
 *   with errno set (bad fd, bad events). An error or hang-up condition on
 *   the fd counts as "ready" for every requested event (the following
 *   read/write reports it). Regular files (which epoll refuses) are always
 *   ready.
 *   - Inside a process: the process parks (its scheduler thread runs
 *     others) and the run is kept alive while it waits; one dedicated
 *     poller thread (started on first use) runs epoll_wait with one-shot
 *     registrations and wakes it. An exit signal ends the wait at once: the
 *     registration is withdrawn before the process exits.
 *   - Outside a process: plain poll(2).
 *   At most one process may wait on a given fd at a time (a second waiter
 *   gets -1, errno EEXIST). */
#ifndef SNOW_IO_POLLER_H
#define SNOW_IO_POLLER_H

#include <stdint.h>

enum { SNOW_POLL_READ = 1, SNOW_POLL_WRITE = 2 };

int snow_poll_wait(int fd, int events, int64_t timeout_ms);

#endif
