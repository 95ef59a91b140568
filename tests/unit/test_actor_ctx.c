/* test_actor_ctx.c — the assembly context switch (runtime/actor/ctx_*.S):
 * ping-pong, preserved registers and FP control state, stack alignment. */
#include "../../runtime/actor/ctx.h"
#include "../../runtime/actor/stack.h"

#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "unit.h"

static SnowCtx main_ctx, co_ctx;

/* ---- ping-pong: each side counts; they must strictly alternate */
static volatile long ping, pong;
static long pingpong_rounds;
static int alternation_ok = 1;

static void pong_entry(void *arg) {
  long *rounds = arg;
  for (long i = 0; i < *rounds; i++) {
    if (ping != pong + 1) alternation_ok = 0;
    pong++;
    snow_ctx_switch(&co_ctx, &main_ctx);
  }
  for (;;) snow_ctx_switch(&co_ctx, &main_ctx); /* never return */
}

static void test_pingpong(void) {
  SnowStack *s = snow_stack_get(0);
  pingpong_rounds = 500000; /* 2 switches per round: 1,000,000 switches */
  snow_ctx_make(&co_ctx, s->top, pong_entry, &pingpong_rounds);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < pingpong_rounds; i++) {
    ping++;
    snow_ctx_switch(&main_ctx, &co_ctx);
    if (pong != ping) alternation_ok = 0;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
              (2.0 * (double)pingpong_rounds);
  printf("context switch: %.1f ns per switch\n", ns);
  CHECK(ping == 500000 && pong == 500000);
  CHECK(alternation_ok);
  CHECK(ns < 1000.0);
  snow_stack_put(s);
}

/* ---- callee-saved registers: values live across many switches */
static long mix(long a, long b) { return (long)((unsigned long)a * 31u + (unsigned long)b); }

static void busy_entry(void *arg) {
  (void)arg;
  /* Many live locals force use of callee-saved registers. */
  long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6;
  double x = 1.5, y = 2.25;
  for (int i = 0; i < 1000; i++) {
    snow_ctx_switch(&co_ctx, &main_ctx);
    a = mix(a, 1); b = mix(b, 2); c = mix(c, 3); d = mix(d, 4); e = mix(e, 5); f = mix(f, 6);
    x = x * 1.0001 + 1; y = y * 0.9999 + 2;
  }
  static volatile long sink;
  static volatile double fsink;
  sink = a ^ b ^ c ^ d ^ e ^ f;
  fsink = x + y;
  (void)sink;
  (void)fsink;
  for (;;) snow_ctx_switch(&co_ctx, &main_ctx);
}

static void test_registers(void) {
  SnowStack *s = snow_stack_get(0);
  snow_ctx_make(&co_ctx, s->top, busy_entry, NULL);
  long a = 11, b = 12, c = 13, d = 14, e = 15, f = 16;
  double x = 0.5, y = 0.75;
  long ea = a, eb = b, ec = c, ed = d, ee = e, ef = f;
  double ex = x, ey = y;
  for (int i = 0; i < 1001; i++) {
    snow_ctx_switch(&main_ctx, &co_ctx);
    a = mix(a, 7); b = mix(b, 8); c = mix(c, 9); d = mix(d, 10); e = mix(e, 11); f = mix(f, 12);
    x = x * 1.0002 + 3; y = y * 0.9998 + 4;
    ea = mix(ea, 7); eb = mix(eb, 8); ec = mix(ec, 9); ed = mix(ed, 10); ee = mix(ee, 11);
    ef = mix(ef, 12);
    ex = ex * 1.0002 + 3; ey = ey * 0.9998 + 4;
  }
  CHECK(a == ea && b == eb && c == ec && d == ed && e == ee && f == ef);
  CHECK(x == ex && y == ey);
  snow_stack_put(s);
}

/* ---- FP control state is per context (MXCSR / x87 CW on x86-64) */
static int co_round_after_resume;

static void fp_entry(void *arg) {
  (void)arg;
  fesetround(FE_UPWARD);
  snow_ctx_switch(&co_ctx, &main_ctx);
  co_round_after_resume = fegetround();
  for (;;) snow_ctx_switch(&co_ctx, &main_ctx);
}

static void test_fp_state(void) {
  SnowStack *s = snow_stack_get(0);
  snow_ctx_make(&co_ctx, s->top, fp_entry, NULL);
  fesetround(FE_TONEAREST);
  snow_ctx_switch(&main_ctx, &co_ctx);
#if defined(__x86_64__)
  CHECK(fegetround() == FE_TONEAREST); /* the coroutine's mode stayed with it */
#endif
  fesetround(FE_DOWNWARD);
  snow_ctx_switch(&main_ctx, &co_ctx);
#if defined(__x86_64__)
  CHECK(co_round_after_resume == FE_UPWARD);
  CHECK(fegetround() == FE_DOWNWARD);
#endif
  fesetround(FE_TONEAREST);
  snow_stack_put(s);
}

/* ---- a fresh context gets its argument and an ABI-aligned stack */
static uintptr_t seen_frame;
static void *seen_arg;

__attribute__((noinline)) static void record_frame(void) {
  seen_frame = (uintptr_t)__builtin_frame_address(0);
}

static void align_entry(void *arg) {
  seen_arg = arg;
  record_frame();
  for (;;) snow_ctx_switch(&co_ctx, &main_ctx);
}

static void test_fresh_context(void) {
  SnowStack *s = snow_stack_get(0);
  int token;
  snow_ctx_make(&co_ctx, s->top, align_entry, &token);
  snow_ctx_switch(&main_ctx, &co_ctx);
  CHECK(seen_arg == &token);
  CHECK(seen_frame % 16 == 0);
  CHECK(seen_frame < (uintptr_t)s->top && seen_frame > (uintptr_t)s->lo);
  snow_stack_put(s);
}

/* ---- many contexts alive at once, resumed round-robin */
#define MANY 64
static SnowCtx many_ctx[MANY];
static long many_count[MANY];

static void many_entry(void *arg) {
  long i = (long)(intptr_t)arg;
  for (;;) {
    many_count[i]++;
    snow_ctx_switch(&many_ctx[i], &main_ctx);
  }
}

static void test_many(void) {
  SnowStack *st[MANY];
  for (long i = 0; i < MANY; i++) {
    st[i] = snow_stack_get(0);
    snow_ctx_make(&many_ctx[i], st[i]->top, many_entry, (void *)(intptr_t)i);
  }
  for (int round = 0; round < 100; round++)
    for (int i = 0; i < MANY; i++) snow_ctx_switch(&main_ctx, &many_ctx[i]);
  int ok = 1;
  for (int i = 0; i < MANY; i++) ok &= many_count[i] == 100;
  CHECK(ok);
  for (int i = 0; i < MANY; i++) snow_stack_put(st[i]);
}

int main(void) {
  test_pingpong();
  test_registers();
  test_fp_state();
  test_fresh_context();
  test_many();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
