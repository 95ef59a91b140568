/* pairs.h — a process's sets of (key, pid) pairs: its links, the monitors
 * on it and held by it, its owned jobs (internal to runtime/actor/).
 *
 * Contract. An unordered array (removal moves the last pair into the hole),
 * malloc'd on first use; the zero value is the empty set, and a struct copy
 * moves ownership (zero the source afterwards). The struct stays 16 bytes
 * (every process has four sets); the index lives in the array's block. Lookups are by pid or by
 * key; once a set holds more than SNOW_PAIRS_INDEX_MIN pairs, the first
 * field it is searched by gets a hash index, so a process with 100,000
 * monitors or jobs (Job.map) finds and removes one in constant time; a
 * search by the other field stays linear. Not thread-safe: the owner's
 * lock or ownership rules apply (proc_state.h). */
#ifndef SNOW_ACTOR_PAIRS_H
#define SNOW_ACTOR_PAIRS_H

#include <stdint.h>

#define SNOW_PAIRS_INDEX_MIN 16

typedef struct SnowPairs {
  struct SnowPair {
    int64_t key;
    uint64_t pid;
  } *items; /* inside a malloc'd block that also holds the index (pairs.c) */
  uint32_t n, cap;
} SnowPairs; /* 16 bytes: a process control block holds four */

void snow_pairs_add(SnowPairs *s, int64_t key, uint64_t pid);
/* Position of a pair with this pid / key, or -1. */
int snow_pairs_find_pid(SnowPairs *s, uint64_t pid);
int snow_pairs_find_key(SnowPairs *s, int64_t key);
void snow_pairs_remove_at(SnowPairs *s, int i);
void snow_pairs_free(SnowPairs *s);
/* The field s is indexed by: 1 key, 0 pid, -1 none yet (tests). */
int snow_pairs_indexed_by(const SnowPairs *s);

#endif
