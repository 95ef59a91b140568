/* file.c — whole-file access by path (stdlib.md §5).
 *
 * Contract. Each function is self-contained: it opens, works and closes.
 * The system calls run on the blocking-thread pool (runtime/io/blocking.h)
 * while the calling process is parked; they work on malloc'd copies (a
 * FileCall), and the Snow result is built in the process afterwards. OS failures
 * are Err("<strerror> (os error N)") (§5.2); File.read of bytes that are not
 * valid UTF-8 is Err("stream did not contain valid UTF-8"). Paths are the
 * STRING bytes as given (a path containing a NUL byte is rejected with
 * EINVAL, as the OS cannot name it). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../io/blocking.h"
#include "text.h"
#include "text_lib.h"

/* One file operation, owned by the calling process; the pool thread reads
 * path/data and writes the outputs. */
typedef struct {
  char *path;  /* NUL-terminated copy */
  char *data;  /* write: the bytes to write; read: the bytes read (malloc'd) */
  size_t len;
  int flags;   /* write: O_TRUNC or O_APPEND */
  int err;     /* errno of the failure, 0 on success */
  int found;   /* exists */
} FileCall;

static int bad_path(SnowObj *path) {
  return memchr(snow_str_bytes(path), '\0', snow_str_len(path)) != NULL;
}

/* A FileCall with a copy of path (NULL when out of memory). */
static FileCall *file_call_new(SnowObj *path) {
  FileCall *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  size_t n = snow_str_len(path);
  c->path = malloc(n + 1);
  if (!c->path) {
    free(c);
    return NULL;
  }
  memcpy(c->path, snow_str_bytes(path), n);
  c->path[n] = '\0';
  return c;
}

static void file_call_free(FileCall *c) {
  free(c->path);
  free(c->data);
  free(c);
}

/* ---- on a pool thread: system calls only */

static void *do_read(void *arg) {
  FileCall *c = arg;
  int fd;
  do
    fd = open(c->path, O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    c->err = errno;
    return NULL;
  }
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      close(fd);
      c->err = ENOMEM;
      return NULL;
    }
    if (len == cap) {
      char *bigger = realloc(buf, cap * 2);
      if (!bigger) {
        free(buf);
        buf = NULL;
        continue;
      }
      buf = bigger, cap *= 2;
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      c->err = errno;
      free(buf);
      close(fd);
      return NULL;
    }
    if (n == 0) break;
    len += (size_t)n;
  }
  close(fd);
  c->data = buf;
  c->len = len;
  return NULL;
}

static void *do_write(void *arg) {
  FileCall *c = arg;
  int fd;
  do
    fd = open(c->path, O_WRONLY | O_CREAT | O_CLOEXEC | c->flags, 0666);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    c->err = errno;
    return NULL;
  }
  const char *p = c->data;
  size_t left = c->len;
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      c->err = errno;
      close(fd);
      return NULL;
    }
    p += n, left -= (size_t)n;
  }
  if (close(fd) != 0 && errno != EINTR) c->err = errno;
  return NULL;
}

static void *do_exists(void *arg) {
  FileCall *c = arg;
  struct stat st;
  c->found = stat(c->path, &st) == 0;
  return NULL;
}

static void *do_delete(void *arg) {
  FileCall *c = arg;
  if (unlink(c->path) != 0) c->err = errno;
  return NULL;
}

/* ---- in the calling process */

SnowWord snow_file_read(SnowObj *path) {
  if (bad_path(path)) return snow_lib_err_os(EINVAL);
  FileCall *c = file_call_new(path);
  if (!c) return snow_lib_err_os(ENOMEM);
  snow_blocking_run(do_read, c);
  SnowWord result;
  if (c->err) result = snow_lib_err_os(c->err);
  else if (!snow_utf8_valid(c->data, c->len))
    result = snow_lib_err_text("stream did not contain valid UTF-8");
  else
    result = snow_lib_ok((SnowWord)snow_string_new(c->data, c->len), 1);
  file_call_free(c);
  return result;
}

static SnowWord write_with(SnowObj *path, SnowObj *content, int flags) {
  if (bad_path(path)) return snow_lib_err_os(EINVAL);
  FileCall *c = file_call_new(path);
  size_t n = snow_str_len(content);
  if (c) c->data = malloc(n ? n : 1);
  if (!c || !c->data) {
    if (c) file_call_free(c);
    return snow_lib_err_os(ENOMEM);
  }
  memcpy(c->data, snow_str_bytes(content), n);
  c->len = n;
  c->flags = flags;
  snow_blocking_run(do_write, c);
  int err = c->err;
  file_call_free(c);
  return err ? snow_lib_err_os(err) : snow_lib_ok(0, 0);
}

SnowWord snow_file_write(SnowObj *path, SnowObj *content) {
  return write_with(path, content, O_TRUNC);
}

SnowWord snow_file_append(SnowObj *path, SnowObj *content) {
  return write_with(path, content, O_APPEND);
}

int64_t snow_file_exists(SnowObj *path) {
  if (bad_path(path)) return 0;
  FileCall *c = file_call_new(path);
  if (!c) return 0;
  snow_blocking_run(do_exists, c);
  int found = c->found;
  file_call_free(c);
  return found;
}

SnowWord snow_file_delete(SnowObj *path) {
  if (bad_path(path)) return snow_lib_err_os(EINVAL);
  FileCall *c = file_call_new(path);
  if (!c) return snow_lib_err_os(ENOMEM);
  snow_blocking_run(do_delete, c);
  int err = c->err;
  file_call_free(c);
  return err ? snow_lib_err_os(err) : snow_lib_ok(0, 0);
}
