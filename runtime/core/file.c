/* file.c — whole-file access by path (stdlib.md §5).
 *
 * Contract. Each function is self-contained and blocking (issue #4 will run
 * them on a blocking-thread pool): it opens, works and closes. OS failures
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

#include "text.h"
#include "text_lib.h"

static int bad_path(SnowObj *path) {
  return memchr(snow_str_bytes(path), '\0', snow_str_len(path)) != NULL;
}

SnowWord snow_file_read(SnowObj *path) {
  if (bad_path(path)) return snow_lib_err_os(EINVAL);
  int fd;
  do
    fd = open(snow_str_bytes(path), O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return snow_lib_err_os(errno);
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      close(fd);
      return snow_lib_err_os(ENOMEM);
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
      int err = errno;
      free(buf);
      close(fd);
      return snow_lib_err_os(err);
    }
    if (n == 0) break;
    len += (size_t)n;
  }
  close(fd);
  if (!snow_utf8_valid(buf, len)) {
    free(buf);
    return snow_lib_err_text("stream did not contain valid UTF-8");
  }
  SnowObj *s = snow_string_new(buf, len);
  free(buf);
  return snow_lib_ok((SnowWord)s, 1);
}

static SnowWord write_with(SnowObj *path, SnowObj *content, int flags) {
  if (bad_path(path)) return snow_lib_err_os(EINVAL);
  int fd;
  do
    fd = open(snow_str_bytes(path), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0666);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return snow_lib_err_os(errno);
  const char *p = snow_str_bytes(content);
  size_t left = snow_str_len(content);
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return snow_lib_err_os(err);
    }
    p += n, left -= (size_t)n;
  }
  if (close(fd) != 0 && errno != EINTR) return snow_lib_err_os(errno);
  return snow_lib_ok(0, 0);
}

SnowWord snow_file_write(SnowObj *path, SnowObj *content) {
  return write_with(path, content, O_TRUNC);
}

SnowWord snow_file_append(SnowObj *path, SnowObj *content) {
  return write_with(path, content, O_APPEND);
}

int64_t snow_file_exists(SnowObj *path) {
  struct stat st;
  return !bad_path(path) && stat(snow_str_bytes(path), &st) == 0;
}

SnowWord snow_file_delete(SnowObj *path) {
  if (bad_path(path)) return snow_lib_err_os(EINVAL);
  if (unlink(snow_str_bytes(path)) != 0) return snow_lib_err_os(errno);
  return snow_lib_ok(0, 0);
}
