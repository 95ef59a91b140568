/* ctx.h — stackful coroutine contexts: the machine-level context switch
 * (internal to runtime/actor/).
 *
 * Contract. A SnowCtx is the saved stack pointer of a suspended execution
 * context; everything else (callee-saved registers, the return address, and
 * on x86-64 the MXCSR and x87 control words) lives on that context's own stack
 * just below the saved pointer. snow_ctx_switch(from, to) saves the calling
 * context into *from and resumes *to; it "returns" when someone switches back
 * to *from — possibly on another OS thread (nothing thread-specific is saved,
 * so contexts migrate freely between threads; callers must re-read any
 * thread-local state after a switch). snow_ctx_make prepares a context that,
 * when first switched to, calls entry(arg) on the given stack; entry must
 * never return (it has to switch away for good; returning traps).
 *
 * Saved frame layout (lowest address = the saved sp):
 *   x86-64 (SysV):  [sp+0] mxcsr (u32), [sp+4] x87 control word (u16),
 *                   [sp+8] r15, r14, r13, r12, rbx, rbp, [sp+56] return rip
 *   aarch64 (AAPCS64): [sp+0] x19..x28 (80 bytes), [sp+80] x29, [sp+88] x30,
 *                   [sp+96] d8..d15 (64 bytes); 160 bytes in all.
 * A fresh context "returns" into snow_ctx_trampoline, which finds entry and
 * arg in two callee-saved registers (x86-64: r13 = entry, r12 = arg;
 * aarch64: x20 = entry, x19 = arg). */
#ifndef SNOW_ACTOR_CTX_H
#define SNOW_ACTOR_CTX_H

#include <stddef.h>

typedef struct SnowCtx {
  void *sp;
} SnowCtx;

/* Assembly (ctx_x86_64.S / ctx_aarch64.S). */
void snow_ctx_switch(SnowCtx *from, SnowCtx *to);
void snow_ctx_trampoline(void);

/* Prepares *ctx to run entry(arg) on the stack whose highest (exclusive)
 * address is stack_top (ctx.c). */
void snow_ctx_make(SnowCtx *ctx, void *stack_top, void (*entry)(void *), void *arg);

#endif
