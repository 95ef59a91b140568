/* queue.c — Queue (stdlib.md §12): an immutable FIFO of Int with amortized
 * O(1) push and O(1) pop.
 *
 * Layout (a RECORD, ptrmap 0x1; see the collections block of snow_rt.h):
 *   w0 buffer  ARRAY of ints: word 0 = `used`, the number of elements ever
 *              written to the buffer; elements at words 1..used
 *   w1 offset  index (0-based, into the elements) of the front
 *   w2 length  number of elements
 * Queues share buffers. A push appends in place when this queue ends exactly
 * at the buffer's `used` mark and there is room (no other queue has written
 * past it, so no queue can observe the new element); otherwise it copies
 * the live elements into a buffer twice as large. Pop only moves `offset`.
 * The buffer holds plain ints, so writes into it need no write barrier. */
#include "gc.h"
#include "panic.h"

#include <string.h>

enum { Q_BUFFER, Q_OFFSET, Q_LENGTH, Q_WORDS };

static SnowObj *make_queue(SnowObj *buffer, uint64_t offset, uint64_t length) {
  SnowObj *volatile vb = buffer;
  SnowObj *q = snow_alloc(Q_WORDS * 8, SNOW_RECORD, 0, 0x1);
  SNOW_PAYLOAD(q)[Q_BUFFER] = (SnowWord)vb;
  SNOW_PAYLOAD(q)[Q_OFFSET] = offset;
  SNOW_PAYLOAD(q)[Q_LENGTH] = length;
  return q;
}

SnowObj *snow_queue_new(void) {
  SnowObj *buf = snow_alloc(8 * 5, SNOW_ARRAY, 0, 0);
  SNOW_PAYLOAD(buf)[0] = 0;
  return make_queue(buf, 0, 0);
}

SnowObj *snow_queue_push(SnowObj *q, int64_t x) {
  SnowObj *volatile vq = q;
  SnowObj *volatile buf = (SnowObj *)SNOW_PAYLOAD(q)[Q_BUFFER];
  uint64_t off = SNOW_PAYLOAD(q)[Q_OFFSET], len = SNOW_PAYLOAD(q)[Q_LENGTH];
  uint64_t cap = buf->size / 8 - 1, used = SNOW_PAYLOAD(buf)[0];
  if (used == off + len && used < cap) {
    SNOW_PAYLOAD(buf)[1 + used] = (SnowWord)x;
    SNOW_PAYLOAD(buf)[0] = used + 1;
    return make_queue(buf, off, len + 1);
  }
  uint64_t ncap = len < 2 ? 4 : 2 * len;
  if (ncap > (UINT32_MAX - 64) / 8 - 1) snow_fatal("out of memory");
  SnowObj *nb = snow_alloc((uint32_t)(8 * (ncap + 1)), SNOW_ARRAY, 0, 0);
  SnowWord *src = SNOW_PAYLOAD((SnowObj *)SNOW_PAYLOAD(vq)[Q_BUFFER]) + 1 + off;
  memcpy(SNOW_PAYLOAD(nb) + 1, src, len * 8);
  SNOW_PAYLOAD(nb)[1 + len] = (SnowWord)x;
  SNOW_PAYLOAD(nb)[0] = len + 1;
  return make_queue(nb, 0, len + 1);
}

int64_t snow_queue_size(SnowObj *q) {
  return (int64_t)SNOW_PAYLOAD(q)[Q_LENGTH];
}
int64_t snow_queue_is_empty(SnowObj *q) {
  return SNOW_PAYLOAD(q)[Q_LENGTH] == 0;
}

int64_t snow_queue_peek(SnowObj *q) {
  if (!SNOW_PAYLOAD(q)[Q_LENGTH]) snow_panic("Queue.peek: empty queue", NULL, 0);
  SnowObj *buf = (SnowObj *)SNOW_PAYLOAD(q)[Q_BUFFER];
  return (int64_t)SNOW_PAYLOAD(buf)[1 + SNOW_PAYLOAD(q)[Q_OFFSET]];
}

/* (front, rest) as a tuple record: field 0 Int, field 1 the Queue. */
SnowObj *snow_queue_pop(SnowObj *q) {
  SnowObj *volatile vq = q;
  int64_t front;
  if (!SNOW_PAYLOAD(q)[Q_LENGTH]) snow_panic("Queue.pop: empty queue", NULL, 0);
  front = snow_queue_peek(q);
  SnowObj *volatile rest =
      make_queue((SnowObj *)SNOW_PAYLOAD(vq)[Q_BUFFER], SNOW_PAYLOAD(vq)[Q_OFFSET] + 1,
                 SNOW_PAYLOAD(vq)[Q_LENGTH] - 1);
  SnowWord fields[2] = {(SnowWord)front, (SnowWord)rest};
  return snow_record(0, 0x2, 2, fields);
}
