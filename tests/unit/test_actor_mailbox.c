/* test_actor_mailbox.c — the lock-free MPSC mailbox and send/receive:
 * producer-thread stress, per-sender FIFO, selective receive order,
 * timeouts, polling, sends to dead processes, cross-worker ping-pong. */
#include "../../runtime/actor/actor.h"
#include "../../runtime/actor/mailbox.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched_test_util.h"
#include "unit.h"

typedef struct Item {
  uint32_t producer;
  uint32_t seq;
} Item;

/* ---- raw MPSC stress: 4 producer threads, one draining consumer thread */
#define PRODUCERS 4
#define PER_PRODUCER 200000
static SnowMailbox stress_box;
static atomic_int producers_done;

static void *producer(void *arg) {
  uint32_t id = (uint32_t)(uintptr_t)arg;
  for (uint32_t i = 0; i < PER_PRODUCER; i++) {
    SnowMessage *m = snow_message_new(0, sizeof(Item));
    Item it = {id, i};
    memcpy(m->data, &it, sizeof it);
    snow_mailbox_push(&stress_box, m);
  }
  atomic_fetch_add(&producers_done, 1);
  return NULL;
}

static void test_mpsc_stress(void) {
  snow_mailbox_init(&stress_box);
  atomic_store(&producers_done, 0);
  pthread_t th[PRODUCERS];
  for (uintptr_t i = 0; i < PRODUCERS; i++) pthread_create(&th[i], NULL, producer, (void *)i);
  uint32_t next[PRODUCERS] = {0};
  long received = 0, out_of_order = 0;
  SnowScanCursor cur = {NULL};
  for (;;) {
    int done = atomic_load(&producers_done) == PRODUCERS;
    snow_mailbox_drain(&stress_box);
    SnowMessage *m;
    while ((m = snow_mailbox_take(&stress_box, &cur, NULL, NULL))) {
      Item it;
      memcpy(&it, m->data, sizeof it);
      if (it.producer >= PRODUCERS || it.seq != next[it.producer]) out_of_order++;
      else next[it.producer]++;
      received++;
      snow_message_free(m);
    }
    if (done && !snow_mailbox_has_new(&stress_box)) break;
  }
  for (int i = 0; i < PRODUCERS; i++) pthread_join(th[i], NULL);
  CHECK(received == (long)PRODUCERS * PER_PRODUCER);
  CHECK(out_of_order == 0);
  CHECK(stress_box.length == 0 && stress_box.head == NULL);
  snow_mailbox_destroy(&stress_box);
}

/* ---- selective take on the raw mailbox keeps skipped entries in order */
static int is_even(const SnowMessage *m, void *ctx) {
  (void)ctx;
  return m->data[0] % 2 == 0;
}

static void test_selective_raw(void) {
  SnowMailbox mb;
  snow_mailbox_init(&mb);
  for (unsigned char i = 1; i <= 6; i++) {
    SnowMessage *m = snow_message_new(0, 1);
    m->data[0] = i;
    snow_mailbox_push(&mb, m);
  }
  CHECK(snow_mailbox_drain(&mb) == 6);
  SnowScanCursor cur = {NULL};
  SnowMessage *m = snow_mailbox_take(&mb, &cur, is_even, NULL);
  CHECK(m && m->data[0] == 2);
  snow_message_free(m);
  m = snow_mailbox_take(&mb, &cur, is_even, NULL);
  CHECK(m && m->data[0] == 4);
  snow_message_free(m);
  /* the cursor is past 1 and 3; a new arrival is found from there */
  SnowMessage *late = snow_message_new(0, 1);
  late->data[0] = 8;
  snow_mailbox_push(&mb, late);
  snow_mailbox_drain(&mb);
  m = snow_mailbox_take(&mb, &cur, is_even, NULL);
  CHECK(m && m->data[0] == 6);
  snow_message_free(m);
  m = snow_mailbox_take(&mb, &cur, is_even, NULL);
  CHECK(m && m->data[0] == 8);
  snow_message_free(m);
  CHECK(snow_mailbox_take(&mb, &cur, is_even, NULL) == NULL);
  /* a fresh scan sees what is left, oldest first */
  SnowScanCursor fresh = {NULL};
  char left[4] = {0};
  for (int i = 0; i < 3 && (m = snow_mailbox_take(&mb, &fresh, NULL, NULL)); i++) {
    left[i] = (char)('0' + m->data[0]);
    snow_message_free(m);
  }
  CHECK(strcmp(left, "135") == 0);
  CHECK(mb.length == 0 && mb.tail == NULL);
  snow_mailbox_destroy(&mb);
}

/* ---- selective receive in processes (concurrency.md §6.4 triage) */
enum { LOW = 1, HIGH = 2 };
static char triage_out[64];

static int is_high(const SnowMessage *m, void *ctx) {
  (void)ctx;
  return m->tag == HIGH;
}

static void triage(void *arg) {
  (void)arg;
  SnowMessage *first = snow_receive(is_high, NULL, -1);
  SnowMessage *second = snow_receive(NULL, NULL, -1);
  snprintf(triage_out, sizeof triage_out, "%s %.*s / %s %.*s",
           first->tag == HIGH ? "urgent" : "later", (int)first->size, (char *)first->data,
           second->tag == HIGH ? "urgent" : "later", (int)second->size, (char *)second->data);
  snow_message_free(first);
  snow_message_free(second);
}

static void triage_main(void *arg) {
  (void)arg;
  SnowPid p = snow_spawn(triage, NULL);
  snow_send(p, LOW, "backup", 6);
  snow_send(p, HIGH, "outage", 6);
}

static void test_selective_receive(void) {
  for (unsigned w = 1; w <= 2; w++) {
    memset(triage_out, 0, sizeof triage_out);
    run(w, triage_main, NULL);
    CHECK(strcmp(triage_out, "urgent outage / later backup") == 0);
  }
}

/* ---- receive timeouts and polls */
static double waited_ms;
static int timeout_result; /* 0 = timed out, else the received value */

static void patient(void *arg) {
  int64_t timeout = (int64_t)(intptr_t)arg;
  double t0 = now_ms();
  SnowMessage *m = snow_receive(NULL, NULL, timeout);
  waited_ms = now_ms() - t0;
  timeout_result = m ? m->data[0] * 2 : 0;
  if (m) snow_message_free(m);
}

static void patient_main(void *arg) {
  intptr_t send_first = (intptr_t)arg;
  SnowPid p = snow_spawn(patient, (void *)(intptr_t)100);
  if (send_first) {
    unsigned char v = 21;
    snow_send(p, 0, &v, 1);
  }
}

static void poll_main(void *arg) {
  (void)arg;
  CHECK(snow_receive(NULL, NULL, 0) == NULL); /* empty: poll returns at once */
  unsigned char v = 5;
  snow_send(snow_self(), 0, &v, 1); /* a process may send to itself */
  SnowMessage *m = snow_receive(NULL, NULL, 0);
  CHECK(m && m->data[0] == 5);
  snow_message_free(m);
  CHECK(snow_mailbox_length() == 0);
  /* an unmatched message stays; the timeout still applies */
  snow_send(snow_self(), LOW, "x", 1);
  double t0 = now_ms();
  CHECK(snow_receive(is_high, NULL, 30) == NULL);
  double ms = now_ms() - t0;
  CHECK(ms >= 30 && ms < 500);
  CHECK(snow_mailbox_length() == 1);
}

static void test_timeouts(void) {
  timeout_result = -1;
  double t0 = now_ms();
  SnowSchedResult r = run(2, patient_main, (void *)0);
  double total = now_ms() - t0;
  CHECK(timeout_result == 0);
  CHECK(waited_ms >= 100 && waited_ms < 300);
  CHECK(total < 400); /* the pending timer kept the run alive, no longer */
  CHECK(r.abandoned == 0);
  timeout_result = -1;
  run(2, patient_main, (void *)1);
  CHECK(timeout_result == 42);
  CHECK(waited_ms < 100);
  r = run(1, poll_main, NULL);
  CHECK(r.main_finished);
  /* outside a process receive returns NULL at once */
  CHECK(snow_receive(NULL, NULL, -1) == NULL);
}

/* ---- a message-woken receive cancels its timer: the run does not linger */
static void quick_reply(void *arg) {
  SnowPid back = (SnowPid)(uintptr_t)arg;
  snow_send(back, 0, "r", 1);
}

static void cancel_main(void *arg) {
  (void)arg;
  snow_spawn(quick_reply, (void *)(uintptr_t)snow_self());
  SnowMessage *m = snow_receive(NULL, NULL, 10000);
  CHECK(m != NULL);
  snow_message_free(m);
}

static void test_timer_cancelled(void) {
  double t0 = now_ms();
  run(2, cancel_main, NULL);
  CHECK(now_ms() - t0 < 1000);
}

/* ---- sends to dead or unknown processes are dropped */
static int dead_send_results[3];

static void short_lived(void *arg) { (void)arg; }

static void dead_main(void *arg) {
  (void)arg;
  SnowPid p = snow_spawn(short_lived, NULL);
  snow_sleep_ms(5);
  dead_send_results[0] = snow_send(p, 0, "x", 1);
  dead_send_results[1] = snow_send(999999, 0, "x", 1);
  dead_send_results[2] = snow_send(snow_self(), 0, "x", 1);
  SnowMessage *m = snow_receive(NULL, NULL, 0);
  snow_message_free(m);
}

static void test_dead_sends(void) {
  run(2, dead_main, NULL);
  CHECK(dead_send_results[0] == 0 && dead_send_results[1] == 0 && dead_send_results[2] == 1);
  CHECK(snow_send(0, 0, "x", 1) == 0); /* no run active */
}

/* ---- many sender processes to one receiver across 2 workers */
#define SENDERS 8
#define PER_SENDER 20000
static long fan_in_received, fan_in_disorder;

static void sender(void *arg) {
  uintptr_t packed = (uintptr_t)arg;
  SnowPid to = packed >> 8;
  uint32_t id = (uint32_t)(packed & 0xff);
  for (uint32_t i = 0; i < PER_SENDER; i++) {
    Item it = {id, i};
    snow_send(to, 0, &it, sizeof it);
    if (i % 64 == 0) snow_reduce();
  }
}

static void fan_in_main(void *arg) {
  (void)arg;
  SnowPid me = snow_self();
  for (uintptr_t i = 0; i < SENDERS; i++) snow_spawn(sender, (void *)((me << 8) | i));
  uint32_t next[SENDERS] = {0};
  for (long n = 0; n < (long)SENDERS * PER_SENDER; n++) {
    SnowMessage *m = snow_receive(NULL, NULL, -1);
    Item it;
    memcpy(&it, m->data, sizeof it);
    if (it.producer >= SENDERS || it.seq != next[it.producer]) fan_in_disorder++;
    else next[it.producer]++;
    fan_in_received++;
    snow_message_free(m);
  }
}

static void test_fan_in(void) {
  fan_in_received = fan_in_disorder = 0;
  double t0 = now_ms();
  SnowSchedResult r = run(2, fan_in_main, NULL);
  printf("fan-in: %ld messages in %.0f ms\n", fan_in_received, now_ms() - t0);
  CHECK(fan_in_received == (long)SENDERS * PER_SENDER);
  CHECK(fan_in_disorder == 0);
  CHECK(r.main_finished && r.abandoned == 0);
}

/* ---- ping-pong between two processes (wake-up path), 2 workers */
#define ROUNDS 50000
static long pong_count;

static void ponger(void *arg) {
  SnowPid peer = (SnowPid)(uintptr_t)arg;
  for (long i = 0; i < ROUNDS; i++) {
    SnowMessage *m = snow_receive(NULL, NULL, -1);
    snow_message_free(m);
    snow_send(peer, 0, "o", 1);
    pong_count++;
  }
}

static void pinger(void *arg) {
  (void)arg;
  SnowPid p = snow_spawn(ponger, (void *)(uintptr_t)snow_self());
  long ok = 0;
  for (long i = 0; i < ROUNDS; i++) {
    snow_send(p, 0, "i", 1);
    SnowMessage *m = snow_receive(NULL, NULL, -1);
    ok += m->data[0] == 'o';
    snow_message_free(m);
  }
  CHECK(ok == ROUNDS);
}

static void test_pingpong(void) {
  pong_count = 0;
  double t0 = now_ms();
  run(2, pinger, NULL);
  printf("ping-pong: %d round trips in %.0f ms\n", ROUNDS, now_ms() - t0);
  CHECK(pong_count == ROUNDS);
}

int main(void) {
  test_mpsc_stress();
  test_selective_raw();
  test_selective_receive();
  test_timeouts();
  test_timer_cancelled();
  test_dead_sends();
  test_fan_in();
  test_pingpong();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
