/* copy.h — deep copy of Snow values between process heaps (concurrency.md
 * §16.2), through a transfer buffer held in a SnowMessage.
 *
 * Contract. snow_copy_pack serialises n words into a new malloc'd
 * SnowMessage (tag, ref and type zeroed; the first `extra` bytes of data are
 * reserved for the caller's header and zeroed, the packed form follows).
 * Bit i of ptrmask says word i is a heap pointer: its whole object graph is
 * copied (every object kind described by headers and ptrmaps — strings,
 * records, closures, lists, arrays, maps, sets, JSON values), preserving
 * sharing inside the packed set of words (a DAG stays a DAG, cycles are not
 * possible in Snow). Immediates (ptrmask bit clear, or values below
 * SNOW_IMMEDIATE_LIMIT) and static objects (SNOW_GC_STATIC) are stored as
 * they are, so words that need no heap copy make unpacking allocate nothing.
 * snow_copy_unpack rebuilds the words in the *current* heap and writes them
 * to out[0..n-1]; it can be called several times on the same message (the
 * message is not modified). A collection triggered while unpacking never
 * loses or moves the objects already rebuilt: unpack inhibits collections
 * of the current heap while it runs (SnowHeap.collections_inhibited, gc.h),
 * after running, before it, the minor collection that the message's size
 * would trigger (so a process that allocates only by receiving still
 * collects). Messages up to at least 16 MiB must work (§16.3). Any thread may pack (the source heap must not be
 * collected meanwhile: the caller is the owner of that heap). */
#ifndef SNOW_ACTOR_COPY_H
#define SNOW_ACTOR_COPY_H

#include "actor.h"
#include "snow_rt.h"

#include <stddef.h>
#include <stdint.h>

#define SNOW_COPY_MAX_WORDS 64

SnowMessage *snow_copy_pack(const SnowWord *words, uint64_t ptrmask, int n, size_t extra);
void snow_copy_unpack(const SnowMessage *m, size_t extra, SnowWord *out, int n);

#endif
