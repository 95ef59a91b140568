/* registry.c — the process registry (concurrency.md §11): names to PIDs,
 * global to the program, one mutex.
 *
 * Atomicity with termination: a dying process first marks itself dead
 * (under its own lock), then removes its names under the registry mutex
 * (snow_registry_remove_pid). register checks that the target is alive while
 * holding the registry mutex, so a name can never be left behind for a dead
 * process: either the check happens before the mark (and the removal, which
 * needs the mutex, comes after the insertion) or it fails.
 *
 * The table is an open-addressing hash map (linear probing, backward-shift
 * deletion) from malloc'd names to PIDs. */
#include "proc.h"

#include "proc_internal.h"

#include "../core/gc.h"
#include "../core/text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct Entry {
  char *name; /* NULL: empty slot */
  size_t len;
  uint64_t hash;
  SnowPid pid;
} Entry;

/* Documented runtime state: the registry. */
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static Entry *slots;
static size_t cap, count;
static _Atomic size_t registered; /* count, readable without the lock */

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

static Entry *find(const char *name, size_t len, uint64_t h) {
  if (!cap) return NULL;
  for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
    Entry *e = &slots[i];
    if (!e->name) return NULL;
    if (e->hash == h && e->len == len && memcmp(e->name, name, len) == 0) return e;
  }
}

static void remove_slot(Entry *e) {
  free(e->name);
  e->name = NULL;
  count--;
  atomic_store(&registered, count);
  /* backward-shift: move later entries of the run into the hole */
  size_t hole = (size_t)(e - slots);
  for (size_t i = (hole + 1) & (cap - 1); slots[i].name; i = (i + 1) & (cap - 1)) {
    size_t home = slots[i].hash & (cap - 1);
    int between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
    if (between) continue;
    slots[hole] = slots[i];
    slots[i].name = NULL;
    hole = i;
  }
}

static void insert(char *name, size_t len, uint64_t h, SnowPid pid) {
  if ((count + 1) * 2 > cap) {
    size_t ncap = cap ? cap * 2 : 16;
    Entry *n = calloc(ncap, sizeof *n);
    if (!n) snow_fatal_oom();
    for (size_t i = 0; i < cap; i++) {
      if (!slots[i].name) continue;
      size_t k = slots[i].hash & (ncap - 1);
      while (n[k].name) k = (k + 1) & (ncap - 1);
      n[k] = slots[i];
    }
    free(slots);
    slots = n;
    cap = ncap;
  }
  size_t k = h & (cap - 1);
  while (slots[k].name) k = (k + 1) & (cap - 1);
  slots[k] = (Entry){name, len, h, pid};
  count++;
  atomic_store(&registered, count);
}

int64_t snow_register(SnowObj *name, SnowWord pid) {
  size_t len = snow_str_len(name);
  if (len == 0) return 0;
  const char *bytes = snow_str_bytes(name);
  uint64_t h = hash_bytes(bytes, len);
  pthread_mutex_lock(&reg_lock);
  Entry *e = find(bytes, len, h);
  int ok = 0;
  if (!(e && snow_proc_is_alive(e->pid)) && snow_proc_is_alive(pid)) {
    if (e) remove_slot(e);
    char *copy = malloc(len + 1);
    if (!copy) snow_fatal_oom();
    memcpy(copy, bytes, len);
    copy[len] = 0;
    insert(copy, len, h, pid);
    ok = 1;
  }
  pthread_mutex_unlock(&reg_lock);
  return ok;
}

SnowWord snow_whereis(SnowObj *name) {
  size_t len = snow_str_len(name);
  const char *bytes = snow_str_bytes(name);
  pthread_mutex_lock(&reg_lock);
  Entry *e = find(bytes, len, hash_bytes(bytes, len));
  int found = e != NULL;
  SnowPid pid = found ? e->pid : 0;
  pthread_mutex_unlock(&reg_lock);
  if (!found) return 1; /* None */
  SnowWord field = pid;
  return (SnowWord)snow_record(0, 0, 1, &field); /* Some(pid) */
}

int64_t snow_unregister(SnowObj *name) {
  size_t len = snow_str_len(name);
  const char *bytes = snow_str_bytes(name);
  pthread_mutex_lock(&reg_lock);
  Entry *e = find(bytes, len, hash_bytes(bytes, len));
  if (e) remove_slot(e);
  pthread_mutex_unlock(&reg_lock);
  return e != NULL;
}

void snow_registry_remove_pid(SnowPid pid) {
  if (!atomic_load(&registered)) return;
  pthread_mutex_lock(&reg_lock);
  for (size_t i = 0; i < cap;) {
    if (slots[i].name && slots[i].pid == pid) {
      remove_slot(&slots[i]); /* may shift a later entry into slot i */
      continue;
    }
    i++;
  }
  pthread_mutex_unlock(&reg_lock);
}
