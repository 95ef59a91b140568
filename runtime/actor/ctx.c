/* ctx.c — building the initial frame of a fresh coroutine context; its
 * layout must match the assembly in ctx_<arch>.S (documented in ctx.h). */
#include "ctx.h"

#include <stdint.h>
#include <string.h>

void snow_ctx_make(SnowCtx *ctx, void *stack_top, void (*entry)(void *), void *arg) {
  uintptr_t top = (uintptr_t)stack_top & ~(uintptr_t)15;
#if defined(__x86_64__)
  /* After the final `ret` the stack pointer is `top` (16-byte aligned). */
  uint64_t *frame = (uint64_t *)(top - 64);
  memset(frame, 0, 64);
  uint32_t mxcsr = 0x1F80;  /* default: all exceptions masked, round to nearest */
  uint16_t fpucw = 0x037F;  /* default x87 control word */
  memcpy((char *)frame + 0, &mxcsr, sizeof mxcsr);
  memcpy((char *)frame + 4, &fpucw, sizeof fpucw);
  frame[4] = (uint64_t)(uintptr_t)arg;   /* r12 */
  frame[3] = (uint64_t)(uintptr_t)entry; /* r13 */
  frame[6] = 0;                          /* rbp: end of frame chain */
  frame[7] = (uint64_t)(uintptr_t)snow_ctx_trampoline;
  ctx->sp = frame;
#elif defined(__aarch64__)
  uint64_t *frame = (uint64_t *)(top - 160);
  memset(frame, 0, 160);
  frame[0] = (uint64_t)(uintptr_t)arg;   /* x19 */
  frame[1] = (uint64_t)(uintptr_t)entry; /* x20 */
  frame[10] = 0;                         /* x29: end of frame chain */
  frame[11] = (uint64_t)(uintptr_t)snow_ctx_trampoline; /* x30 */
  ctx->sp = frame;
#else
#error "runtime/actor: no context switch for this architecture"
#endif
}
