/* io.c — println/print through a buffer, eprintln straight to stderr.
 * Thread safety: one mutex guards the buffer, so each print/println call is
 * atomic with respect to other processes (concurrency.md §7) and flushes
 * never interleave; fatal paths that may run in a signal handler use
 * snow_stdout_flush_unlocked, which takes the mutex only if it is free. */
#include "io.h"

#include "snow_rt.h"
#include "text.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUT_CAPACITY 65536

/* Documented runtime state: the stdout buffer (see io.h). */
static char out_buf[OUT_CAPACITY];
static size_t out_len;
static int out_mode; /* 0 unknown, 1 buffered, 2 line-flushed (terminal) */
static int out_hooked;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

void snow_write_all(int fd, const char *bytes, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, bytes, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return; /* nothing sensible to do (closed pipe etc.) */
    }
    bytes += n;
    len -= (size_t)n;
  }
}

static void flush_locked(void) {
  size_t len = out_len;
  out_len = 0;
  snow_write_all(1, out_buf, len);
}

void snow_stdout_flush(void) {
  pthread_mutex_lock(&out_lock);
  flush_locked();
  pthread_mutex_unlock(&out_lock);
}

void snow_stdout_flush_unlocked(void) {
  int locked = pthread_mutex_trylock(&out_lock) == 0;
  flush_locked();
  if (locked) pthread_mutex_unlock(&out_lock);
}

static void exit_hook(void) { snow_stdout_flush_unlocked(); }

/* Caller holds out_lock. */
static void out_append(const char *bytes, size_t len) {
  if (!out_mode) {
    out_mode = isatty(1) ? 2 : 1;
    if (!out_hooked) {
      out_hooked = 1;
      atexit(exit_hook);
    }
  }
  if (out_len + len > OUT_CAPACITY) {
    flush_locked();
    if (len > OUT_CAPACITY / 2) {
      snow_write_all(1, bytes, len);
      return;
    }
  }
  memcpy(out_buf + out_len, bytes, len);
  out_len += len;
}

void snow_print(SnowObj *s) {
  pthread_mutex_lock(&out_lock);
  out_append(snow_str_bytes(s), snow_str_len(s));
  if (out_mode == 2 && memchr(snow_str_bytes(s), '\n', snow_str_len(s))) flush_locked();
  pthread_mutex_unlock(&out_lock);
}

void snow_println(SnowObj *s) {
  pthread_mutex_lock(&out_lock);
  /* one append when it fits: a flush between text and newline would let
   * another thread's line in between */
  size_t len = snow_str_len(s);
  if (out_len + len + 1 > OUT_CAPACITY) flush_locked();
  if (len + 1 <= OUT_CAPACITY / 2) {
    out_append(snow_str_bytes(s), len);
    out_append("\n", 1);
  } else {
    if (!out_mode) out_append("", 0);
    flush_locked();
    snow_write_all(1, snow_str_bytes(s), len);
    snow_write_all(1, "\n", 1);
  }
  if (out_mode == 2) flush_locked();
  pthread_mutex_unlock(&out_lock);
}

void snow_eprintln(SnowObj *s) {
  /* stdout first, so that a program writing both to one file keeps its order;
   * one write per line when it fits, so concurrent lines do not interleave */
  snow_stdout_flush();
  size_t len = snow_str_len(s);
  char small[1024];
  if (len < sizeof small) {
    memcpy(small, snow_str_bytes(s), len);
    small[len] = '\n';
    snow_write_all(2, small, len + 1);
  } else {
    snow_write_all(2, snow_str_bytes(s), len);
    snow_write_all(2, "\n", 1);
  }
}
