/* mailbox.h — a process's mailbox (internal to runtime/actor/).
 *
 * Contract. New messages are pushed by any thread onto `inbox`, a lock-free
 * multi-producer stack (one compare-and-swap per push). Only the owning
 * process touches the private FIFO list (head..tail): snow_mailbox_drain moves
 * the inbox into it, reversing it so that the list is in push order (this
 * keeps per-sender FIFO order, concurrency.md §7 O1). Selective receive walks
 * the private list from a cursor: within one receive, entries already
 * examined are never examined again, and a removed entry leaves the others in
 * place (O5). */
#ifndef SNOW_ACTOR_MAILBOX_H
#define SNOW_ACTOR_MAILBOX_H

#include "actor.h"

#include <stdatomic.h>
#include <stddef.h>

typedef struct SnowMailbox {
  SnowMessage *_Atomic inbox; /* newest first */
  SnowMessage *head, *tail;   /* private, oldest first */
  size_t length;              /* entries in the private list */
} SnowMailbox;

/* Position of a selective scan: the last entry examined (NULL: none yet). */
typedef struct SnowScanCursor {
  SnowMessage *last;
} SnowScanCursor;

void snow_mailbox_init(SnowMailbox *mb);
/* Frees every queued message. Owner only, or once nobody can push any more. */
void snow_mailbox_destroy(SnowMailbox *mb);
/* Any thread. */
void snow_mailbox_push(SnowMailbox *mb, SnowMessage *m);
/* Any thread: whether pushes are waiting to be drained. */
int snow_mailbox_has_new(SnowMailbox *mb);
/* Owner: moves new arrivals to the private list; returns how many. */
size_t snow_mailbox_drain(SnowMailbox *mb);
/* Owner: removes and returns the first entry after the cursor that matches
 * (match NULL: any), advancing the cursor past the entries it rejected. */
SnowMessage *snow_mailbox_take(SnowMailbox *mb, SnowScanCursor *cur, SnowMatchFn match,
                               void *ctx);

#endif
