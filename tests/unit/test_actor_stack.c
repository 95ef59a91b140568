/* test_actor_stack.c — region-carved stacks: size, recycling, guard areas,
 * and stack-overflow detection through the guard page (in a forked child). */
#include "../../runtime/actor/actor.h"
#include "../../runtime/actor/stack.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

static void test_size_and_guard(void) {
  SnowStack *s = snow_stack_get(0);
  size_t usable = (size_t)(s->top - s->lo);
  CHECK(usable >= 64 * 1024);
  CHECK(usable >= snow_stack_default_size() - 64);
  CHECK((uintptr_t)s->top % 16 == 0);
  CHECK(s->guarded);
  /* The whole usable range is writable. */
  memset(s->lo, 0xAB, usable);
  CHECK((unsigned char)s->lo[0] == 0xAB && (unsigned char)s->top[-1] == 0xAB);
  CHECK(snow_stack_guard_hit((uintptr_t)s->lo - 1));
  CHECK(snow_stack_guard_hit((uintptr_t)s->lo - 4096));
  CHECK(!snow_stack_guard_hit((uintptr_t)s->lo));
  CHECK(!snow_stack_guard_hit((uintptr_t)s->top - 8));
  int local;
  CHECK(!snow_stack_guard_hit((uintptr_t)&local));
  CHECK(!snow_stack_guard_hit(0));
  CHECK(snow_actor_is_stack_guard((uintptr_t)s->lo - 8));
  snow_stack_put(s);
}

static void test_recycling(void) {
  SnowStackStats before = snow_stack_stats();
  /* 100,000 get/put pairs reuse one slot. */
  SnowStack *first = snow_stack_get(0);
  snow_stack_put(first);
  int same = 1;
  for (int i = 0; i < 100000; i++) {
    SnowStack *s = snow_stack_get(0);
    same &= s == first;
    snow_stack_put(s);
  }
  CHECK(same);
  /* 5,000 live at once: carved from a few regions, not one mapping each. */
  enum { LIVE = 5000 };
  static SnowStack *live[LIVE];
  for (int i = 0; i < LIVE; i++) live[i] = snow_stack_get(0);
  int distinct = 1;
  for (int i = 1; i < LIVE; i++) distinct &= live[i] != live[i - 1];
  CHECK(distinct);
  for (int i = 0; i < LIVE; i++) snow_stack_put(live[i]);
  SnowStackStats after = snow_stack_stats();
  CHECK(after.carved - before.carved <= LIVE);
  CHECK(after.regions - before.regions <= LIVE / 256 + 1);
  CHECK(after.free_count >= LIVE);
  /* Getting them again carves nothing new. */
  for (int i = 0; i < LIVE; i++) live[i] = snow_stack_get(0);
  CHECK(snow_stack_stats().carved == after.carved);
  for (int i = 0; i < LIVE; i++) snow_stack_put(live[i]);
  printf("stacks: %llu carved, %llu regions, guards by madvise: %llu\n",
         (unsigned long long)after.carved, (unsigned long long)after.regions,
         (unsigned long long)after.guard_by_madvise);
}

/* Free stacks beyond the hot reserve give their pages back (in batches)
 * and keep their guard; all of them are reused before anything new is
 * carved. */
static void test_release_beyond_hot_reserve(void) {
  enum { MANY = 6000 }; /* more than the hot reserve (4096) */
  static SnowStack *many[MANY];
  for (int i = 0; i < MANY; i++) {
    many[i] = snow_stack_get(0);
    many[i]->lo[0] = (char)0xAB;
  }
  for (int i = 0; i < MANY; i++) snow_stack_put(many[i]);
  uint64_t carved = snow_stack_stats().carved;
  CHECK(snow_stack_stats().free_count >= MANY);
  int released = 0, guarded = 1;
  for (int i = 0; i < MANY; i++) {
    many[i] = snow_stack_get(0);
    released += many[i]->lo[0] == 0; /* its pages were given back: zero again */
    if (many[i]->guarded) guarded &= snow_stack_guard_hit((uintptr_t)many[i]->lo - 1);
    many[i]->lo[0] = 1; /* usable after a release */
  }
  CHECK(snow_stack_stats().carved == carved);
  CHECK(released >= MANY - 4096 - 128);
  CHECK(released < MANY);
  CHECK(guarded);
  for (int i = 0; i < MANY; i++) snow_stack_put(many[i]);
}

static void test_dedicated(void) {
  SnowStack *s = snow_stack_get(8u << 20);
  CHECK(s->dedicated);
  CHECK((size_t)(s->top - s->lo) >= (8u << 20));
  s->lo[0] = 1;
  s->top[-1] = 1;
  CHECK(snow_stack_guard_hit((uintptr_t)s->lo - 1));
  uintptr_t guard = (uintptr_t)s->lo - 1;
  snow_stack_put(s);
  CHECK(!snow_stack_guard_hit(guard)); /* unmapped: no longer ours */
}

/* ---- overflow: a process recursing without bound hits its guard page */
__attribute__((noinline)) static long deep(long n) {
  volatile char pad[512];
  pad[0] = (char)n;
  if (n > (1L << 40)) return 0; /* never: the guard page stops us first */
  return deep(n + 1) + pad[0];
}

static void overflow_main(void *arg) {
  (void)arg;
  if (write(1, "before overflow\n", 16) != 16) return;
  deep(0);
}

/* Runs fn in a child with the handler installed; returns its exit status and
 * what it wrote to stderr/stdout. */
static int run_child(void (*fn)(void *), char *err, size_t errcap, char *out, size_t outcap) {
  int ep[2], op[2];
  if (pipe(ep) != 0 || pipe(op) != 0) return -1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(ep[1], 2);
    dup2(op[1], 1);
    close(ep[0]);
    close(op[0]);
    snow_actor_install_overflow_handler();
    SnowSchedOptions o = {.workers = 2};
    snow_sched_run(&o, fn, NULL);
    _exit(0);
  }
  close(ep[1]);
  close(op[1]);
  ssize_t n = read(ep[0], err, errcap - 1);
  err[n > 0 ? n : 0] = 0;
  n = read(op[0], out, outcap - 1);
  out[n > 0 ? n : 0] = 0;
  close(ep[0]);
  close(op[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void spawn_overflow(void *arg) {
  (void)arg;
  snow_spawn(overflow_main, NULL);
}

static void test_overflow(void) {
  char err[256], out[256];
  /* main itself (PID 0) overflows */
  int st = run_child(overflow_main, err, sizeof err, out, sizeof out);
  CHECK(st == 134);
  CHECK(strcmp(err, "[snow-rt] fatal: stack overflow in process <0.0>\n") == 0);
  CHECK(strcmp(out, "before overflow\n") == 0);
  /* a spawned process (PID 1) overflows */
  st = run_child(spawn_overflow, err, sizeof err, out, sizeof out);
  CHECK(st == 134);
  CHECK(strcmp(err, "[snow-rt] fatal: stack overflow in process <0.1>\n") == 0);
}

/* An ordinary segfault is not reported as a stack overflow. */
static void null_deref(void *arg) {
  (void)arg;
  volatile int *p = NULL;
  *p = 1;
}

static void test_other_fault(void) {
  char err[256], out[256];
  int st = run_child(null_deref, err, sizeof err, out, sizeof out);
  CHECK(st != 0 && st != 134); /* SIGSEGV (or a sanitizer's report) */
  CHECK(strstr(err, "stack overflow") == NULL);
}

/* Runs this test again with the mprotect guard path forced (the fallback for
 * kernels without MADV_GUARD_INSTALL); its own checks must all pass. */
static void test_mprotect_fallback(char **argv) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 1);
    setenv("SNOW_STACK_GUARD", "mprotect", 1);
    execv("/proc/self/exe", argv);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char **argv) {
  (void)argc;
  test_size_and_guard();
  test_recycling();
  test_release_beyond_hot_reserve();
  test_dedicated();
  test_overflow();
  test_other_fault();
  const char *mode = getenv("SNOW_STACK_GUARD");
  if (!mode || strcmp(mode, "mprotect") != 0) test_mprotect_fallback(argv);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
