/* mailbox.c — the MPSC mailbox (mailbox.h) and the public send/receive
 * operations built on it and on the scheduler hooks (process.h). */
#include "mailbox.h"

#include "proc.h"
#include "proc_internal.h"
#include "process.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void snow_mailbox_init(SnowMailbox *mb) {
  atomic_init(&mb->inbox, NULL);
  mb->head = mb->tail = NULL;
  mb->length = 0;
}

static void free_chain(SnowMessage *m) {
  while (m) {
    SnowMessage *next = m->next;
    if (m->tag == SNOW_ENTRY_SIGNAL && m->ref == SNOW_SIGNAL_MARK)
      snow_entry_free(m); /* runtime signals own their reason text */
    else
      snow_message_free(m);
    m = next;
  }
}

void snow_mailbox_destroy(SnowMailbox *mb) {
  free_chain(atomic_exchange(&mb->inbox, NULL));
  free_chain(mb->head);
  mb->head = mb->tail = NULL;
  mb->length = 0;
}

void snow_mailbox_push(SnowMailbox *mb, SnowMessage *m) {
  SnowMessage *old = atomic_load_explicit(&mb->inbox, memory_order_relaxed);
  do {
    m->next = old;
  } while (!atomic_compare_exchange_weak_explicit(&mb->inbox, &old, m, memory_order_seq_cst,
                                                  memory_order_relaxed));
}

int snow_mailbox_has_new(SnowMailbox *mb) {
  return atomic_load_explicit(&mb->inbox, memory_order_seq_cst) != NULL;
}

size_t snow_mailbox_drain(SnowMailbox *mb) {
  if (!atomic_load_explicit(&mb->inbox, memory_order_relaxed)) return 0;
  SnowMessage *newest = atomic_exchange_explicit(&mb->inbox, NULL, memory_order_acquire);
  /* Reverse the newest-first chain into push order. */
  SnowMessage *oldest = NULL, *last = newest;
  size_t n = 0;
  while (newest) {
    SnowMessage *next = newest->next;
    newest->next = oldest;
    oldest = newest;
    newest = next;
    n++;
  }
  if (!oldest) return 0;
  if (mb->tail) mb->tail->next = oldest;
  else mb->head = oldest;
  mb->tail = last;
  mb->length += n;
  return n;
}

SnowMessage *snow_mailbox_take(SnowMailbox *mb, SnowScanCursor *cur, SnowMatchFn match,
                               void *ctx) {
  SnowMessage *prev = cur->last;
  SnowMessage *m = prev ? prev->next : mb->head;
  while (m) {
    if (!match || match(m, ctx)) {
      if (prev) prev->next = m->next;
      else mb->head = m->next;
      if (mb->tail == m) mb->tail = prev;
      mb->length--;
      m->next = NULL;
      return m; /* the cursor still names `prev`, which stays in place */
    }
    prev = m;
    cur->last = m;
    m = m->next;
  }
  return NULL;
}

/* ---------------------------------------------------------------- public */

/* Small messages (a number, a small variant) are the common case: their
 * blocks are recycled through short per-thread lists on the scheduler's
 * threads, one per 16-byte size class up to MSG_SMALL data bytes (a block's
 * room is its size rounded up to its class, as malloc would round it
 * anyway), which is cheaper than malloc's general path: a message is
 * usually freed by the thread that allocates the next one. Bounded:
 * MSG_CACHE_MAX blocks per class and thread. */
#define MSG_CLASS_BYTES 16
#define MSG_CLASSES 4
#define MSG_SMALL (MSG_CLASS_BYTES * MSG_CLASSES)
#define MSG_CACHE_MAX 64
typedef struct MsgCache {
  SnowMessage *blocks[MSG_CLASSES];
  int count[MSG_CLASSES];
  int on;
} MsgCache;
static _Thread_local MsgCache msg_cache;

/* The size class of a small message (0 for an empty one too). */
static int msg_class(size_t size) { return size ? (int)((size - 1) / MSG_CLASS_BYTES) : 0; }

void snow_message_cache_enable(void) { msg_cache.on = 1; }

void snow_message_cache_flush(void) {
  for (int c = 0; c < MSG_CLASSES; c++) {
    while (msg_cache.blocks[c]) {
      SnowMessage *next = msg_cache.blocks[c]->next;
      free(msg_cache.blocks[c]);
      msg_cache.blocks[c] = next;
    }
    msg_cache.count[c] = 0;
  }
  msg_cache.on = 0;
}

SnowMessage *snow_message_new(uint64_t tag, size_t size) {
  SnowMessage *m = NULL;
  size_t room = size;
  if (size <= MSG_SMALL) {
    int c = msg_class(size);
    room = (size_t)(c + 1) * MSG_CLASS_BYTES;
    m = msg_cache.blocks[c];
    if (m) {
      msg_cache.blocks[c] = m->next;
      msg_cache.count[c]--;
    }
  }
  if (!m) {
    if (room > SIZE_MAX - sizeof(SnowMessage)) room = SIZE_MAX - sizeof(SnowMessage);
    m = malloc(sizeof(SnowMessage) + room);
    if (!m) {
      static const char msg[] = "[snow-rt] fatal: out of memory\n";
      fflush(stdout);
      if (write(2, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
      _exit(134);
    }
  }
  m->next = NULL;
  m->tag = tag;
  m->ref = 0;
  m->type = NULL;
  m->size = size;
  return m;
}

void snow_message_free(SnowMessage *m) {
  if (m->size <= MSG_SMALL && msg_cache.on) {
    int c = msg_class(m->size);
    if (msg_cache.count[c] < MSG_CACHE_MAX) {
      m->next = msg_cache.blocks[c];
      msg_cache.blocks[c] = m;
      msg_cache.count[c]++;
      return;
    }
  }
  free(m);
}

int snow_send_message(SnowPid to, SnowMessage *m) {
  if (!snow_sched_active()) {
    snow_message_free(m);
    return 0;
  }
  /* The table's lock keeps p allocated (process.h): no reference needed. */
  SnowProcess *p = snow_proctable_lock_get(to);
  int claimed = p && snow_process_push_claim(p, m);
  snow_proctable_unlock(to);
  if (!p) snow_message_free(m);
  else if (claimed) snow_process_woken(p, WAKE_MESSAGE);
  return p != NULL;
}

int snow_send(SnowPid to, uint64_t tag, const void *bytes, size_t size) {
  SnowMessage *m = snow_message_new(tag, size);
  if (size) memcpy(m->data, bytes, size);
  return snow_send_message(to, m);
}

SnowMessage *snow_receive(SnowMatchFn match, void *ctx, int64_t timeout_ms) {
  SnowProcess *p = snow_process_self();
  if (!p) return NULL;
  SnowScanCursor cur = {NULL};
  uint64_t deadline = 0;
  if (timeout_ms > 0) deadline = snow_clock_ns() + (uint64_t)timeout_ms * 1000000u;
  for (;;) {
    snow_mailbox_drain(&p->mailbox);
    SnowMessage *m = snow_mailbox_take(&p->mailbox, &cur, match, ctx);
    if (m) return m;
    if (timeout_ms == 0) return NULL;
    if (deadline && snow_clock_ns() >= deadline) return NULL;
    p->block_deadline = deadline;
    snow_sched_suspend(p, INTENT_BLOCK_MSG);
    if (deadline && p->wake_reason == WAKE_TIMEOUT) {
      /* Entries that arrived together with the timeout still count. */
      snow_mailbox_drain(&p->mailbox);
      return snow_mailbox_take(&p->mailbox, &cur, match, ctx);
    }
    if (deadline) snow_timer_cancel(&p->timer);
  }
}

size_t snow_mailbox_length(void) {
  SnowProcess *p = snow_process_self();
  if (!p) return 0;
  snow_mailbox_drain(&p->mailbox);
  return p->mailbox.length;
}
