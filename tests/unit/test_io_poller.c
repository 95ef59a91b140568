/* test_io_poller.c — readiness waits (runtime/io/poller.h): plain poll
 * outside a process, a parked reader woken by a writer thread while another
 * process keeps running, timeouts (0 and positive), many waiters, bad
 * arguments, regular files, and a process killed while parked (its
 * registration is withdrawn: the run ends and the fd can be waited on
 * again). */
#include "../../runtime/actor/actor.h"
#include "../../runtime/actor/proc.h"
#include "../../runtime/io/poller.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

static SnowSchedResult run(unsigned workers, SnowProcessEntry entry, void *arg) {
  SnowSchedOptions o = {.workers = workers};
  return snow_sched_run(&o, entry, arg);
}

/* ---- outside a process */
static void test_outside(void) {
  int fds[2];
  CHECK(pipe(fds) == 0);
  CHECK(snow_poll_wait(fds[0], SNOW_POLL_READ, 0) == 0);
  CHECK(snow_poll_wait(fds[0], SNOW_POLL_READ, 10) == 0);
  CHECK(snow_poll_wait(fds[1], SNOW_POLL_WRITE, -1) == SNOW_POLL_WRITE);
  CHECK(write(fds[1], "x", 1) == 1);
  CHECK(snow_poll_wait(fds[0], SNOW_POLL_READ | SNOW_POLL_WRITE, -1) == SNOW_POLL_READ);
  close(fds[0]);
  close(fds[1]);
  errno = 0;
  CHECK(snow_poll_wait(-1, SNOW_POLL_READ, 0) == -1 && errno == EBADF);
  CHECK(snow_poll_wait(0, 0, 0) == -1 && errno == EINVAL);
}

/* ---- a parked reader, a writer thread, a process that keeps counting */
static atomic_long counter;
static atomic_int stop_counting;
static int pipe_fds[2];
static long count_when_written;
static int reader_events;
static char reader_byte;

static void count_forever(void *arg) {
  (void)arg;
  while (!atomic_load(&stop_counting)) {
    atomic_fetch_add(&counter, 1);
    snow_yield();
  }
}

static void *writer_thread(void *arg) {
  (void)arg;
  /* Write only once the counter has advanced while the reader waits. */
  long start = atomic_load(&counter);
  while (atomic_load(&counter) < start + 1000) usleep(1000);
  count_when_written = atomic_load(&counter);
  if (write(pipe_fds[1], "k", 1) != 1) abort();
  return NULL;
}

static void reader_main(void *arg) {
  (void)arg;
  snow_spawn(count_forever, NULL);
  pthread_t t;
  pthread_create(&t, NULL, writer_thread, NULL);
  reader_events = snow_poll_wait(pipe_fds[0], SNOW_POLL_READ, -1);
  if (read(pipe_fds[0], &reader_byte, 1) != 1) reader_byte = 0;
  atomic_store(&stop_counting, 1);
  pthread_join(t, NULL);
}

static void test_reader(unsigned workers) {
  CHECK(pipe(pipe_fds) == 0);
  atomic_store(&counter, 0);
  atomic_store(&stop_counting, 0);
  reader_byte = 0;
  SnowSchedResult r = run(workers, reader_main, NULL);
  CHECK(r.main_finished && r.abandoned == 0);
  CHECK(reader_events == SNOW_POLL_READ, "events %d", reader_events);
  CHECK(reader_byte == 'k');
  CHECK(count_when_written >= 1000);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

/* ---- timeouts, write readiness, regular files */
static int t_zero, t_positive, t_write, t_file, t_twice;

static void timeout_main(void *arg) {
  (void)arg;
  int fds[2];
  if (pipe(fds) != 0) return;
  t_zero = snow_poll_wait(fds[0], SNOW_POLL_READ, 0);
  t_positive = snow_poll_wait(fds[0], SNOW_POLL_READ, 30);
  t_write = snow_poll_wait(fds[1], SNOW_POLL_WRITE, 1000);
  if (write(fds[1], "ab", 2) != 2) return;
  /* The same fd twice in a row: the first registration was withdrawn. */
  t_twice = snow_poll_wait(fds[0], SNOW_POLL_READ, -1) + snow_poll_wait(fds[0], SNOW_POLL_READ, -1);
  int f = open("/proc/self/exe", O_RDONLY);
  t_file = snow_poll_wait(f, SNOW_POLL_READ, -1);
  close(f);
  close(fds[0]);
  close(fds[1]);
}

static void test_timeouts(void) {
  SnowSchedResult r = run(1, timeout_main, NULL);
  CHECK(r.main_finished && r.abandoned == 0);
  CHECK(t_zero == 0);
  CHECK(t_positive == 0);
  CHECK(t_write == SNOW_POLL_WRITE);
  CHECK(t_twice == 2 * SNOW_POLL_READ);
  CHECK(t_file == SNOW_POLL_READ);
}

/* ---- many waiters, woken in reverse order by one thread */
enum { WAITERS = 20 };
static int many_fds[WAITERS][2];
static atomic_int many_ok, many_parked;

static void waiter(void *arg) {
  intptr_t i = (intptr_t)arg;
  atomic_fetch_add(&many_parked, 1);
  char c = 0;
  if (snow_poll_wait(many_fds[i][0], SNOW_POLL_READ, -1) == SNOW_POLL_READ &&
      read(many_fds[i][0], &c, 1) == 1 && c == (char)('a' + i))
    atomic_fetch_add(&many_ok, 1);
}

static void *many_writer(void *arg) {
  (void)arg;
  while (atomic_load(&many_parked) < WAITERS) usleep(1000);
  usleep(20 * 1000);
  for (int i = WAITERS - 1; i >= 0; i--) {
    char c = (char)('a' + i);
    if (write(many_fds[i][1], &c, 1) != 1) abort();
  }
  return NULL;
}

static void many_main(void *arg) {
  (void)arg;
  for (intptr_t i = 0; i < WAITERS; i++) snow_spawn(waiter, (void *)i);
}

static void test_many(void) {
  for (int i = 0; i < WAITERS; i++) CHECK(pipe(many_fds[i]) == 0);
  atomic_store(&many_ok, 0);
  atomic_store(&many_parked, 0);
  pthread_t t;
  pthread_create(&t, NULL, many_writer, NULL);
  SnowSchedResult r = run(2, many_main, NULL);
  pthread_join(t, NULL);
  CHECK(r.main_finished && r.abandoned == 0);
  CHECK(atomic_load(&many_ok) == WAITERS, "%d ok", atomic_load(&many_ok));
  for (int i = 0; i < WAITERS; i++) {
    close(many_fds[i][0]);
    close(many_fds[i][1]);
  }
}

/* ---- a process killed while parked on an fd that never becomes ready */
static int kill_fds[2];
static atomic_int victim_parked, victim_after;
static int rewait_events;

static void victim(void *arg) {
  (void)arg;
  atomic_store(&victim_parked, 1);
  snow_poll_wait(kill_fds[0], SNOW_POLL_READ, -1);
  atomic_store(&victim_after, 1); /* never */
}

static void kill_main(void *arg) {
  (void)arg;
  SnowPid v = snow_proc_spawn(victim, NULL, NULL);
  while (!atomic_load(&victim_parked)) snow_sleep_ms(1);
  snow_sleep_ms(10);
  SnowReason kill = snow_reason_make(SNOW_REASON_KILLED, NULL);
  snow_proc_signal_exit(v, &kill);
  snow_reason_free(&kill);
  while (snow_proc_is_alive(v)) snow_sleep_ms(1);
  /* The victim's registration is gone: this process can wait on the fd. */
  if (write(kill_fds[1], "z", 1) != 1) return;
  rewait_events = snow_poll_wait(kill_fds[0], SNOW_POLL_READ, 1000);
}

static void test_killed(void) {
  CHECK(pipe(kill_fds) == 0);
  SnowSchedResult r = run(2, kill_main, NULL); /* ends: no external op left */
  CHECK(r.main_finished && r.abandoned == 0);
  CHECK(atomic_load(&victim_after) == 0);
  CHECK(rewait_events == SNOW_POLL_READ);
  close(kill_fds[0]);
  close(kill_fds[1]);
}

int main(void) {
  test_outside();
  test_reader(2);
  test_reader(1);
  test_timeouts();
  test_many();
  test_killed();
  return unit_summary();
}
