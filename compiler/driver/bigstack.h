/* bigstack.h — run the compiler on a thread with a large stack.
 *
 * Contract: run_on_big_stack() calls fn(arg) on a new thread whose stack is
 * COMPILER_STACK_BYTES (reserved lazily by the OS, so only the pages used
 * cost memory) and returns its result; if the thread cannot be created it
 * calls fn(arg) directly. The passes over the syntax tree recurse along its
 * depth; the parser bounds that depth (parser.h), and this stack is sized so
 * that the bound can never exhaust it. */
#ifndef SNOW_BIGSTACK_H
#define SNOW_BIGSTACK_H

#define COMPILER_STACK_BYTES ((size_t)1 << 30)

int run_on_big_stack(int (*fn)(void *), void *arg);

#endif
