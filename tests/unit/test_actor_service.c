/* test_actor_service.c — services (runtime/actor/service.c, concurrency.md
 * §13) driven from C: the Bank example, requests handled in mailbox order,
 * pointer state kept across collections, pointer replies, every failure of
 * §13.4 (init panic, handler panic, termination during a call, dead
 * service, self call, cast to a dead service), and the caller's mailbox
 * left untouched by a call. Runs under snow_rt_main like a Snow program. */
#include "snow_rt.h"
#include "../../runtime/actor/proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actor_test_util.h"
#include "unit.h"

static SnowPid tester; /* the test's main process (set once) */

/* ---- a bank: state Int; 0 Balance call, 1 Withdraw call, 2 Deposit cast,
 * 3 Echo(s) call replying a string, 4 Boom call panics, 5 SelfCall call,
 * 6 Block call waits for a test entry, 7 Garbage cast allocates a lot */
enum { BALANCE, WITHDRAW, DEPOSIT, ECHO, BOOM, SELF_CALL, BLOCK, GARBAGE };

static SnowWord bank_init(SnowObj *args) { return SNOW_PAYLOAD(args)[0]; }

static SnowWord pair(SnowWord state, SnowWord reply, int reply_is_ptr) {
  SnowWord f[2] = {state, reply};
  return (SnowWord)snow_record(0, reply_is_ptr ? 2 : 0, 2, f);
}

static SnowWord bank_dispatch(int64_t h, SnowWord state, SnowObj *args) {
  int64_t cents = (int64_t)state;
  switch (h) {
  case BALANCE: return pair(state, state, 0);
  case WITHDRAW: {
    int64_t amount = (int64_t)SNOW_PAYLOAD(args)[0];
    return amount <= cents ? pair((SnowWord)(cents - amount), 1, 0) : pair(state, 0, 0);
  }
  case DEPOSIT: return (SnowWord)(cents + (int64_t)SNOW_PAYLOAD(args)[0]);
  case ECHO: return pair(state, (SnowWord)snow_string_concat((SnowObj *)SNOW_PAYLOAD(args)[0], str("!")), 1);
  case BOOM: snow_panic("bad", "bank.snow", 9);
  case SELF_CALL: return pair(state, snow_service_call(snow_self_pid(), BALANCE, NULL, 0), 0);
  case BLOCK:
    post_word(tester, 1);
    wait_word();
    return pair(state, 0, 0);
  case GARBAGE:
    for (int i = 0; i < 20000; i++) snow_int_to_string(i);
    return state;
  }
  return state;
}

static SnowWord start_bank(int64_t opening) {
  SnowWord f = (SnowWord)opening;
  return snow_service_start(bank_init, bank_dispatch, (1 << BALANCE) | (1 << WITHDRAW) | (1 << ECHO) |
                                                          (1 << BOOM) | (1 << SELF_CALL) | (1 << BLOCK),
                            snow_record(0, 0, 1, &f), 1);
}

static SnowWord call1(SnowWord pid, int64_t h, SnowWord a, int is_ptr) {
  return snow_service_call(pid, h, snow_record(0, is_ptr ? 1 : 0, 1, &a), 1);
}

static void cast1(SnowWord pid, int64_t h, SnowWord a) {
  snow_service_cast(pid, h, snow_record(0, 0, 1, &a), 1);
}

static void test_bank(void) {
  SnowWord b = start_bank(100);
  CHECK(snow_proc_is_alive((SnowPid)b));
  cast1(b, DEPOSIT, 50);
  SnowWord ok = call1(b, WITHDRAW, 120, 0);
  SnowWord left = snow_service_call(b, BALANCE, NULL, 0);
  CHECK(ok == 1 && left == 30, "ok %llu left %llu", (unsigned long long)ok, (unsigned long long)left);
  CHECK(call1(b, WITHDRAW, 31, 0) == 0);
  /* many casts then a call: handled in mailbox order */
  for (int i = 0; i < 1000; i++) cast1(b, DEPOSIT, 1);
  CHECK(snow_service_call(b, BALANCE, NULL, 0) == 1030);
  /* pointer reply, copied into the caller's heap */
  SnowWord r = call1(b, ECHO, (SnowWord)str("hello"), 1);
  CHECK(strcmp(cstr(r), "hello!") == 0);
  /* collections in the service between requests keep its state */
  for (int i = 0; i < 20; i++) cast1(b, GARBAGE, 0);
  CHECK(snow_service_call(b, BALANCE, NULL, 0) == 1030);
  CHECK(snow_mailbox_length() == 0, "nothing of the calls stays in the caller's mailbox");
  snow_exit_process(b, SNOW_REASON_SHUTDOWN);
}

/* ---- a log: pointer state (a List<String>); 0 Add(s) cast, 1 All call */
static SnowWord log_init(SnowObj *args) { return (SnowWord)snow_list_empty(); }
static SnowWord log_dispatch(int64_t h, SnowWord state, SnowObj *args) {
  if (h == 0) {
    for (int i = 0; i < 200; i++) snow_int_to_string(i); /* garbage: collections happen */
    return (SnowWord)snow_list_append((SnowObj *)state, SNOW_PAYLOAD(args)[0], 1);
  }
  return pair(state, state, 1);
}

static void test_pointer_state(void) {
  SnowWord log = snow_service_start(log_init, log_dispatch, 2, NULL, 0);
  for (int i = 0; i < 300; i++) {
    char buf[16];
    snprintf(buf, sizeof buf, "e%d", i);
    SnowWord s = (SnowWord)str(buf);
    snow_service_cast(log, 0, snow_record(0, 1, 1, &s), 1);
  }
  SnowObj *all = (SnowObj *)snow_service_call(log, 1, NULL, 0);
  CHECK(snow_list_length(all) == 300);
  CHECK(strcmp(cstr(snow_list_at(all, 0)), "e0") == 0 && strcmp(cstr(snow_list_at(all, 299)), "e299") == 0);
  snow_exit_process(log, SNOW_REASON_SHUTDOWN);
}

/* ---- failures: each runs in its own caller process, which must die with
 * the expected panic message */
static SnowWord failing_init(SnowObj *args) { snow_panic("boom", "svc.snow", 3); }

static void start_failing(void *arg) {
  snow_service_start(failing_init, bank_dispatch, 1, NULL, 0);
  post_word(tester, 99); /* not reached */
}

static void call_boom(void *arg) {
  SnowWord b = (SnowWord)(uintptr_t)arg;
  snow_service_call(b, BOOM, NULL, 0);
}

static void call_balance(void *arg) { snow_service_call((SnowWord)(uintptr_t)arg, BALANCE, NULL, 0); }
static void call_self(void *arg) { snow_service_call((SnowWord)(uintptr_t)arg, SELF_CALL, NULL, 0); }
static void call_block(void *arg) { snow_service_call((SnowWord)(uintptr_t)arg, BLOCK, NULL, 0); }

static char *caller_dies(void (*body)(void *), SnowWord service) {
  int64_t ref;
  spawn_monitored(body, (void *)(uintptr_t)service, &ref);
  return wait_down(ref);
}

static void expect_death(void (*body)(void *), SnowWord service, const char *expect) {
  char *why = caller_dies(body, service);
  CHECK(strcmp(why, expect) == 0, "got `%s`, expected `%s`", why, expect);
  free(why);
}

static void test_failures(void) {
  char buf[128];
  expect_death(start_failing, 0, "service init failed: boom");

  SnowWord b = start_bank(5);
  int64_t watch = snow_monitor(b);
  snprintf(buf, sizeof buf, "service call failed: <0.%llu> terminated (bad)", (unsigned long long)b);
  expect_death(call_boom, b, buf);
  char *why = wait_down(watch);
  CHECK(strcmp(why, "bad") == 0, "the service ended with Error(bad): %s", why);
  free(why);

  snprintf(buf, sizeof buf, "service call failed: <0.%llu> terminated (noproc)", (unsigned long long)b);
  expect_death(call_balance, b, buf);
  expect_death(call_balance, 1000000, "service call failed: <0.1000000> terminated (noproc)");
  cast1(b, DEPOSIT, 1); /* dropped */

  SnowWord c = start_bank(5);
  snprintf(buf, sizeof buf,
           "service call failed: <0.%llu> terminated (service call failed: a service cannot call itself)",
           (unsigned long long)c);
  expect_death(call_self, c, buf);
  CHECK(!snow_proc_is_alive((SnowPid)c));

  /* the service terminated by an exit signal while a call is pending */
  SnowWord d = start_bank(5);
  int64_t ref;
  spawn_monitored(call_block, (void *)(uintptr_t)d, &ref);
  CHECK(wait_word() == 1, "the call is being handled");
  SnowReason custom = snow_reason_make(SNOW_REASON_CUSTOM, "stopped");
  snow_proc_signal_exit((SnowPid)d, &custom);
  snow_reason_free(&custom);
  why = wait_down(ref);
  snprintf(buf, sizeof buf, "service call failed: <0.%llu> terminated (stopped)", (unsigned long long)d);
  CHECK(strcmp(why, buf) == 0, "%s", why);
  free(why);
}

/* a reply to a caller that died meanwhile is dropped; the service goes on */
static void test_caller_dies(void) {
  SnowWord b = start_bank(7);
  int64_t ref;
  SnowPid caller = spawn_monitored(call_block, (void *)(uintptr_t)b, &ref);
  CHECK(wait_word() == 1);
  SnowReason kill = snow_reason_make(SNOW_REASON_KILLED, NULL);
  snow_proc_signal_exit(caller, &kill);
  free(wait_down(ref));
  post_word((SnowPid)b, 0); /* let the handler finish */
  CHECK(snow_service_call(b, BALANCE, NULL, 0) == 7);
  snow_exit_process(b, SNOW_REASON_SHUTDOWN);
}

/* the caller's own entries stay queued, in order, around a call */
static void test_mailbox_untouched(void) {
  SnowWord b = start_bank(1);
  post_word(snow_self(), 11);
  post_word(snow_self(), 12);
  CHECK(snow_service_call(b, BALANCE, NULL, 0) == 1);
  CHECK(snow_mailbox_length() == 2);
  CHECK(wait_word() == 11 && wait_word() == 12);
  snow_exit_process(b, SNOW_REASON_SHUTDOWN);
}

/* many callers at once: every request is handled exactly once, one at a
 * time, and each caller sees its own replies in order */
#define CALLERS 20
#define CALLS_EACH 300
static void depositing_caller(void *arg) {
  SnowWord b = (SnowWord)(uintptr_t)arg;
  int64_t last = -1, increasing = 1;
  for (int i = 0; i < CALLS_EACH; i++) {
    cast1(b, DEPOSIT, 1);
    int64_t now = (int64_t)snow_service_call(b, BALANCE, NULL, 0);
    increasing &= now > last;
    last = now;
  }
  post_word(tester, (uint64_t)increasing);
}

static void test_concurrent_callers(void) {
  SnowWord b = start_bank(0);
  SnowProcOptions o = {NULL, 0};
  for (int i = 0; i < CALLERS; i++) snow_proc_spawn(depositing_caller, (void *)(uintptr_t)b, &o);
  int all = 1;
  for (int i = 0; i < CALLERS; i++) all &= wait_word() == 1;
  CHECK(all, "each caller's balances increase");
  CHECK(snow_service_call(b, BALANCE, NULL, 0) == CALLERS * CALLS_EACH);
  snow_exit_process(b, SNOW_REASON_SHUTDOWN);
}

static SnowWord test_main(void) {
  tester = snow_self();
  test_bank();
  test_pointer_state();
  test_failures();
  test_caller_dies();
  test_mailbox_untouched();
  test_concurrent_callers();
  printf("%d passed, %d failed\n", passed, failed);
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  snow_rt_main(argc, argv, test_main);
  return failed != 0;
}
