/* hash.c — FNV-1a hashing of scalars and strings (language.md §6.14). */
#include "text.h"

#include <string.h>

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x00000100000001B3ull

static uint64_t fnv_bytes(uint64_t h, const unsigned char *p, uint64_t n) {
  for (uint64_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= FNV_PRIME;
  }
  return h;
}

/* FNV-1a over the 8 little-endian bytes of x, from state h. */
static uint64_t fnv_word(uint64_t h, uint64_t x) {
  for (int i = 0; i < 8; i++) {
    h ^= (x >> (8 * i)) & 0xff;
    h *= FNV_PRIME;
  }
  return h;
}

int64_t snow_hash_int(int64_t v) { return (int64_t)fnv_word(FNV_OFFSET, (uint64_t)v); }

int64_t snow_hash_float(double v) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  return (int64_t)fnv_word(FNV_OFFSET, bits);
}

int64_t snow_hash_bool(int64_t v) {
  unsigned char b = v ? 1 : 0;
  return (int64_t)fnv_bytes(FNV_OFFSET, &b, 1);
}

int64_t snow_hash_string(SnowObj *s) {
  return (int64_t)fnv_bytes(FNV_OFFSET, (const unsigned char *)snow_str_bytes(s), snow_str_len(s));
}

int64_t snow_hash_combine(int64_t h, int64_t x) { return (int64_t)fnv_word((uint64_t)h, (uint64_t)x); }
