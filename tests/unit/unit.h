/* unit.h — the tiny harness shared by the C unit tests.
 *
 * Contract: CHECK(cond) counts a passed or failed check; on failure it prints
 * `FAIL file:line: cond`, or with a message, CHECK(cond, "fmt", args...),
 * `FAIL file:line: <message>`. A test's main() ends with
 * `return unit_summary();`, which prints the closing line
 * `N passed, N failed` (read by tests/run_all.sh) and returns the exit status.
 *
 * SNOW_TEST_TSAN is 1 in a ThreadSanitizer build (tests/tsan_check.sh), else
 * 0. TSan makes every process a fiber (at most ~8,000 alive at once, each
 * costly to create), so the scheduler tests pick smaller counts under it with
 * TSAN_OR(normal, tsan); the normal and ASan builds keep the full counts. */
#ifndef SNOW_UNIT_H
#define SNOW_UNIT_H

#include <stdarg.h>
#include <stdio.h>

#if defined(__SANITIZE_THREAD__)
#define SNOW_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SNOW_TEST_TSAN 1
#endif
#endif
#ifndef SNOW_TEST_TSAN
#define SNOW_TEST_TSAN 0
#endif
/* `normal` in the normal and ASan builds, `tsan` under ThreadSanitizer. */
#define TSAN_OR(normal, tsan) (SNOW_TEST_TSAN ? (tsan) : (normal))

static int passed, failed;

__attribute__((format(printf, 4, 5), unused)) static void unit_fail(const char *file, int line,
                                                                   const char *cond,
                                                                   const char *fmt, ...) {
  printf("FAIL %s:%d: ", file, line);
  fmt++; /* skip the marker byte CHECK puts before every message */
  if (*fmt) {
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
  } else {
    fputs(cond, stdout);
  }
  putchar('\n');
  fflush(stdout);
}

/* The message, when given, must start with a string literal. */
#define CHECK(cond, ...)                                       \
  do {                                                         \
    if (cond) {                                                \
      passed++;                                                \
    } else {                                                   \
      failed++;                                                \
      unit_fail(__FILE__, __LINE__, #cond, "\x01" __VA_ARGS__); \
    }                                                          \
  } while (0)

__attribute__((unused)) static int unit_summary(void) {
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

#endif
