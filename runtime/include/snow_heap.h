/* snow_heap.h — the allocation fast path, for the runtime and for codegen.
 *
 * Contract. Every thread that runs Snow code has one *current heap*, reached
 * through the thread-local pointer `snow_current_heap` (the only way runtime
 * code finds a heap; issue #4 will point it at the running actor's heap on
 * every context switch). A heap hands out memory from an *allocation window*
 * [cur, limit) inside its current block; the window is the first member of
 * the heap, so generated code can inline allocation as
 *
 *     SnowAllocWindow *w = (SnowAllocWindow *)snow_current_heap;   // TLS load
 *     char *p = w->cur;  char *next = p + SNOW_FOOTPRINT(payload_bytes);
 *     if (next > w->limit) return snow_alloc(payload_bytes, kind, tag, ptrmap);
 *     w->cur = next;
 *     ((uint64_t *)p)[0] = SNOW_HEADER_WORD(payload_bytes, kind, tag);
 *     ((uint64_t *)p)[1] = ptrmap;
 *     return (SnowObj *)p;
 *
 * (offsets: cur at 0, limit at 8; it is non-NULL once snow_rt_main has
 * started). Generated code does not read the TLS variable itself: it calls
 * snow_current_heap_window() (snow_rt.h), a two-instruction out-of-line
 * accessor, at each allocation site, declared to LLVM as reading only
 * inaccessible memory so that LLVM may merge calls with no call in between
 * but calls it again after any other call. A TLS address computed inline
 * could be kept across a call, and issue #4 may resume a process on another
 * thread after any call (compiler/codegen/llvm_emit.c: alloc_record_inline). The slow path
 * snow_alloc() starts a new block, collects garbage when the nursery is over
 * its budget, or allocates a large object separately. An object's footprint
 * (header + payload rounded up to 8 bytes, at least one payload word so that
 * the collector can store a forwarding address) is given by SNOW_FOOTPRINT.
 * The inline path is correct for any size, but for footprints above
 * SNOW_SMALL_MAX generated code should simply call snow_alloc (they become
 * separately mapped large objects that are never copied).
 *
 * GC safety rule (see runtime/core/gc.h for the collector itself): a
 * collection can start only inside snow_alloc/snow_record (or another runtime
 * call that allocates). It scans the C stack and callee-saved registers
 * conservatively and *pins* every object that a stack word points into
 * (interior pointers included): pinned objects do not move. All other live
 * objects may be moved, and only heap fields (precisely described by ptrmap)
 * are updated. Hence: a pointer held in a C local (or register) stays valid
 * across allocations; a pointer stored anywhere else the collector cannot see
 * (malloc'd memory, static variables) does not.
 *
 * Write barrier (the collector is generational and relies on immutability):
 * the pointer fields of an object are stored right after it is allocated,
 * before the next allocation. Code that stores a pointer into an object
 * *after* some later allocation (or after a call that may allocate) must call
 * snow_gc_write_barrier(obj) (snow_rt.h) after the store and before the next
 * allocation (after the first call for an object, until the next collection,
 * it is a flag test); otherwise a collection may free what the field points
 * to or promote obj ahead of it. */
#ifndef SNOW_HEAP_H
#define SNOW_HEAP_H

#include "snow_rt.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct SnowAllocWindow {
  char *cur;   /* next free byte */
  char *limit; /* end of the window; cur <= limit */
} SnowAllocWindow;

/* Opaque outside the runtime; its first member is a SnowAllocWindow. */
typedef struct SnowHeap SnowHeap;

/* The heap of the Snow code running on this thread (NULL before start-up). */
extern _Thread_local SnowHeap *snow_current_heap;

#define SNOW_BLOCK_SIZE ((uint64_t)32768)  /* small-object block, aligned to its size */
#define SNOW_SMALL_MAX ((uint64_t)8192)    /* larger footprints are large objects */

#define SNOW_FOOTPRINT(payload_bytes)                                                 \
  ((uint64_t)sizeof(SnowObj) +                                                       \
   ((uint64_t)(payload_bytes) < 8 ? 8 : (((uint64_t)(payload_bytes) + 7) & ~(uint64_t)7)))

/* The first header word (little-endian: size, kind, gc = 0, tag). */
#define SNOW_HEADER_WORD(payload_bytes, kind, tag)                                    \
  ((uint64_t)(uint32_t)(payload_bytes) | ((uint64_t)(uint8_t)(kind) << 32) |          \
   ((uint64_t)(uint16_t)(tag) << 48))

#ifdef __cplusplus
}
#endif

#endif
