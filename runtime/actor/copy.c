/* copy.c — deep copy of Snow values between process heaps (copy.h).
 *
 * Packed form (it starts at the first 8-aligned offset >= extra of the
 * message data):
 *   u64 object_count, u64 ptrmask
 *   n root words (encoded, see below)
 *   the objects, in post-order (every object after all objects it points
 *   to), each as its 16-byte header (gc byte zeroed) followed by its payload
 *   padded to its footprint (SNOW_FOOTPRINT), pointer fields encoded.
 * Word encoding for words that may be pointers: an immediate
 * (< SNOW_IMMEDIATE_LIMIT) or a pointer to a static object is stored as is;
 * a reference to packed object number k is stored as
 * ((k + SNOW_IMMEDIATE_LIMIT) << 1) | 1 — odd and >= the limit, which no
 * static object address is (objects are 8-aligned).
 *
 * Packing walks the graph with an explicit stack (deep structures do not
 * recurse on the C stack) and a hash table from source address to object
 * number, so shared objects are packed once and stay shared after
 * unpacking. A first pass numbers the objects and sums their sizes, a
 * second writes them straight into the message: a value is copied twice in
 * all (into the message, into the receiver's heap), as §16.3 requires.
 * Small messages need no malloc besides the message itself. Unpacking allocates the objects in order; because children
 * come first, every object's fields are filled right after its own
 * allocation with older objects (the generational invariant of gc.h holds
 * without write barriers). The rebuilt objects are known only through a
 * malloc'd table until the words are returned, so collections of the
 * current heap are inhibited meanwhile (SnowHeap.collections_inhibited,
 * honoured by the allocation slow path); instead, unpacking first runs the
 * minor collection that the message's size would have triggered. */
#include "copy.h"

#include "../core/gc.h"

#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---- */

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) snow_fatal_oom();
  return p;
}

static inline size_t packed_start(size_t extra) { return (extra + 7) & ~(size_t)7; }

static inline int needs_copy(SnowWord v) {
  return v >= SNOW_IMMEDIATE_LIMIT && !(((const SnowObj *)v)->gc & SNOW_GC_STATIC);
}

static inline SnowWord encode_ref(uint64_t k) { return ((k + SNOW_IMMEDIATE_LIMIT) << 1) | 1; }
static inline int is_ref(SnowWord v) { return v >= SNOW_IMMEDIATE_LIMIT && (v & 1); }
static inline uint64_t decode_ref(SnowWord v) { return (v >> 1) - SNOW_IMMEDIATE_LIMIT; }

/* Payload word i of an object with this ptrmap may hold a pointer. */
static inline int is_ptr_word(uint64_t ptrmap, uint64_t i) {
  return i < 63 ? (ptrmap >> i) & 1 : ptrmap >> 63;
}

/* ---- address -> object number table (open addressing) ---- */

#define SMALL_TABLE 32 /* inline slots: small messages pack without malloc */

typedef struct AddrTable {
  uintptr_t *keys; /* 0: empty */
  uint64_t *vals;
  uint64_t cap, count;
  uintptr_t small_keys[SMALL_TABLE];
  uint64_t small_vals[SMALL_TABLE];
} AddrTable;

static inline uint64_t addr_slot(uintptr_t key, uint64_t cap) {
  return ((uint64_t)(key >> 3) * 0x9E3779B97F4A7C15ull >> 17) & (cap - 1);
}

static void table_init(AddrTable *t) {
  t->cap = SMALL_TABLE;
  t->count = 0;
  memset(t->small_keys, 0, sizeof t->small_keys);
  t->keys = t->small_keys;
  t->vals = t->small_vals;
}

static void table_free(AddrTable *t) {
  if (t->keys != t->small_keys) {
    free(t->keys);
    free(t->vals);
  }
}

/* The object number of key, or -1. */
static int64_t table_get(const AddrTable *t, uintptr_t key) {
  uint64_t i = addr_slot(key, t->cap);
  while (t->keys[i]) {
    if (t->keys[i] == key) return (int64_t)t->vals[i];
    i = (i + 1) & (t->cap - 1);
  }
  return -1;
}

static void table_put(AddrTable *t, uintptr_t key, uint64_t val);

static void table_grow(AddrTable *t) {
  uintptr_t *old_keys = t->keys;
  uint64_t *old_vals = t->vals;
  uint64_t old_cap = t->cap;
  t->cap = old_cap * 4;
  t->count = 0;
  t->keys = calloc(t->cap, sizeof *t->keys);
  t->vals = xmalloc(t->cap * sizeof *t->vals);
  if (!t->keys) snow_fatal_oom();
  for (uint64_t i = 0; i < old_cap; i++)
    if (old_keys[i]) table_put(t, old_keys[i], old_vals[i]);
  if (old_keys != t->small_keys) {
    free(old_keys);
    free(old_vals);
  }
}

static void table_put(AddrTable *t, uintptr_t key, uint64_t val) {
  if ((t->count + 1) * 2 > t->cap) table_grow(t);
  uint64_t i = addr_slot(key, t->cap);
  while (t->keys[i]) i = (i + 1) & (t->cap - 1);
  t->keys[i] = key;
  t->vals[i] = val;
  t->count++;
}

/* ---- packing ----
 * Pass 1 numbers the objects in post-order (the table maps each to its
 * number, `order` lists them) and sums their footprints; pass 2 writes them
 * straight into the message, so the bytes are copied once on this side. */

#define SMALL_ORDER 32 /* inline object list */
#define SMALL_STACK 16 /* inline DFS frames */

struct Frame {
  const SnowObj *obj;
  uint64_t next; /* next payload word to look at */
};

typedef struct Packer {
  AddrTable done;        /* numbered objects -> number */
  const SnowObj **order; /* the objects by number */
  uint64_t objects, order_cap;
  size_t bytes;          /* total footprint */
  struct Frame *stack;   /* DFS stack: objects whose fields are being visited */
  size_t depth, stack_cap;
  const SnowObj *small_order[SMALL_ORDER];
  struct Frame small_stack[SMALL_STACK];
} Packer;

static void packer_init(Packer *p) {
  table_init(&p->done);
  p->order = p->small_order;
  p->objects = 0;
  p->order_cap = SMALL_ORDER;
  p->bytes = 0;
  p->stack = p->small_stack;
  p->depth = 0;
  p->stack_cap = SMALL_STACK;
}

static void packer_free(Packer *p) {
  if (p->order != p->small_order) free(p->order);
  if (p->stack != p->small_stack) free(p->stack);
  table_free(&p->done);
}

/* Doubles an array that may still be its inline storage. */
static void *grow_array(void *items, void *inline_items, size_t used, size_t new_cap, size_t elem) {
  void *grown = xmalloc(new_cap * elem);
  memcpy(grown, items, used * elem);
  if (items != inline_items) free(items);
  return grown;
}

static void push(Packer *p, const SnowObj *o) {
  if (p->depth == p->stack_cap) {
    p->stack = grow_array(p->stack, p->small_stack, p->depth, p->stack_cap * 2, sizeof *p->stack);
    p->stack_cap *= 2;
  }
  p->stack[p->depth].obj = o;
  p->stack[p->depth].next = 0;
  p->depth++;
}

/* Gives o (all its referents are numbered) the next number. */
static void number(Packer *p, const SnowObj *o) {
  if (p->objects == p->order_cap) {
    p->order = (const SnowObj **)grow_array((void *)p->order, (void *)p->small_order, p->objects,
                                           p->order_cap * 2, sizeof *p->order);
    p->order_cap *= 2;
  }
  p->order[p->objects] = o;
  table_put(&p->done, (uintptr_t)o, p->objects++);
  p->bytes += SNOW_FOOTPRINT(o->size);
}

/* Numbers the graph of root (a heap object not numbered yet), children first. */
static void number_graph(Packer *p, const SnowObj *root) {
  push(p, root);
  while (p->depth) {
    struct Frame *f = &p->stack[p->depth - 1];
    const SnowObj *o = f->obj;
    uint64_t n = o->size / 8;
    const SnowWord *w = SNOW_PAYLOAD(o);
    const SnowObj *child = NULL;
    while (f->next < n) {
      uint64_t i = f->next++;
      if (!is_ptr_word(o->ptrmap, i) || !needs_copy(w[i])) continue;
      if (table_get(&p->done, (uintptr_t)w[i]) >= 0) continue;
      child = (const SnowObj *)w[i];
      break;
    }
    if (child) {
      push(p, child); /* f may move: not used again in this iteration */
    } else {
      p->depth--;
      number(p, o); /* no cycles: o cannot have been finished below itself */
    }
  }
}

static SnowWord encode_word(const Packer *p, SnowWord v) {
  if (!needs_copy(v)) return v;
  return encode_ref((uint64_t)table_get(&p->done, (uintptr_t)v)); /* numbered in pass 1 */
}

/* Writes object o at dst with its pointer fields encoded. */
static void write_object(const Packer *p, const SnowObj *o, unsigned char *dst) {
  uint64_t fp = SNOW_FOOTPRINT(o->size);
  SnowObj *copy = (SnowObj *)dst;
  memcpy(copy, o, fp);
  copy->gc = 0;
  if (!o->ptrmap) return;
  uint64_t n = o->size / 8;
  SnowWord *w = SNOW_PAYLOAD(copy);
  for (uint64_t i = 0; i < n; i++)
    if (is_ptr_word(o->ptrmap, i)) w[i] = encode_word(p, w[i]);
}

/* The common small cases without the packer's table: no object to copy
 * (immediates, static objects), or one root object whose fields need no
 * copy (a variant of immediates, a string). NULL when neither applies. */
static SnowMessage *pack_flat(const SnowWord *words, uint64_t ptrmask, int n, size_t extra) {
  const SnowObj *only = NULL;
  for (int i = 0; i < n; i++) {
    if (!((ptrmask >> i) & 1) || !needs_copy(words[i])) continue;
    if (only || n != 1) return NULL;
    only = (const SnowObj *)words[i];
  }
  if (only && only->ptrmap) {
    const SnowWord *w = SNOW_PAYLOAD(only);
    for (uint64_t i = 0, nw = only->size / 8; i < nw; i++)
      if (is_ptr_word(only->ptrmap, i) && needs_copy(w[i])) return NULL;
  }
  size_t start = packed_start(extra);
  size_t head = 16 + (size_t)n * 8;
  size_t body = only ? SNOW_FOOTPRINT(only->size) : 0;
  SnowMessage *m = snow_message_new(0, start + head + body);
  if (start) memset(m->data, 0, start);
  SnowWord *out = (SnowWord *)(m->data + start);
  out[0] = only ? 1 : 0;
  out[1] = ptrmask;
  if (only) {
    out[2] = encode_ref(0);
    SnowObj *copy = (SnowObj *)(m->data + start + head);
    memcpy(copy, only, body);
    copy->gc = 0;
  } else {
    for (int i = 0; i < n; i++) out[2 + i] = words[i];
  }
  return m;
}

SnowMessage *snow_copy_pack(const SnowWord *words, uint64_t ptrmask, int n, size_t extra) {
  SnowMessage *flat = pack_flat(words, ptrmask, n, extra);
  if (flat) return flat;
  Packer p;
  packer_init(&p);
  for (int i = 0; i < n; i++) {
    if (!((ptrmask >> i) & 1) || !needs_copy(words[i])) continue;
    if (table_get(&p.done, (uintptr_t)words[i]) >= 0) continue;
    number_graph(&p, (const SnowObj *)words[i]);
  }
  size_t start = packed_start(extra);
  size_t head = 16 + (size_t)n * 8;
  SnowMessage *m = snow_message_new(0, start + head + p.bytes);
  m->ref = 0;
  m->type = NULL;
  memset(m->data, 0, start);
  SnowWord *out = (SnowWord *)(m->data + start);
  out[0] = p.objects;
  out[1] = ptrmask;
  for (int i = 0; i < n; i++)
    out[2 + i] = ((ptrmask >> i) & 1) ? encode_word(&p, words[i]) : words[i];
  unsigned char *dst = m->data + start + head;
  for (uint64_t k = 0; k < p.objects; k++) {
    write_object(&p, p.order[k], dst);
    dst += SNOW_FOOTPRINT(p.order[k]->size);
  }
  packer_free(&p);
  return m;
}

/* ---- unpacking ---- */

static inline SnowWord decode_word(SnowObj *const *made, SnowWord v) {
  return is_ref(v) ? (SnowWord)made[decode_ref(v)] : v;
}

void snow_copy_unpack(const SnowMessage *m, size_t extra, SnowWord *out, int n) {
  size_t start = packed_start(extra);
  const SnowWord *head = (const SnowWord *)(m->data + start);
  uint64_t count = head[0], ptrmask = head[1];
  const SnowWord *roots = head + 2;
  if (count == 0) { /* nothing to allocate: immediates and static objects */
    for (int i = 0; i < n; i++) out[i] = roots[i];
    return;
  }
  /* make sure the heap exists before inhibiting its collections */
  SnowHeap *h = (SnowHeap *)snow_current_heap_window();
  /* Collect now if the message would overflow the nursery: the slow path
   * cannot while we inhibit it, and a process whose allocations all come
   * from messages would otherwise never collect (§16.4 bounded memory). */
  uint64_t bytes = m->size - start - 16 - (uint64_t)n * 8;
  if (!h->collections_inhibited &&
      snow_generation_bytes(&h->young) - h->survivor_bytes + bytes > h->nursery_budget)
    snow_gc_collect_heap(h, 0);
  h->collections_inhibited++;
  SnowObj *small_made[32];
  SnowObj **made = count <= 32 ? small_made : xmalloc(count * sizeof *made);
  const unsigned char *p = (const unsigned char *)(roots + n);
  for (uint64_t k = 0; k < count; k++) {
    const SnowObj *src = (const SnowObj *)p;
    SnowObj *o = snow_alloc(src->size, src->kind, src->tag, src->ptrmap);
    const SnowWord *sw = SNOW_PAYLOAD(src);
    SnowWord *dw = SNOW_PAYLOAD(o);
    uint64_t nw = src->size / 8;
    if (src->ptrmap) {
      for (uint64_t i = 0; i < nw; i++)
        dw[i] = is_ptr_word(src->ptrmap, i) ? decode_word(made, sw[i]) : sw[i];
      /* a trailing partial word (never a pointer) */
      if (src->size % 8) memcpy(dw + nw, sw + nw, src->size % 8);
    } else {
      memcpy(dw, sw, src->size);
    }
    made[k] = o;
    p += SNOW_FOOTPRINT(src->size);
  }
  for (int i = 0; i < n; i++)
    out[i] = ((ptrmask >> i) & 1) ? decode_word(made, roots[i]) : roots[i];
  if (made != small_made) free(made);
  h->collections_inhibited--;
}
