/* string.c — String creation, concatenation, comparison, length, inspect. */
#include "text.h"

#include "snow_heap.h"

#include <string.h>

SnowObj *snow_str_alloc(uint64_t len) {
  if (len > UINT32_MAX - 64) snow_panic("string too long", NULL, 0);
  SnowObj *s = snow_alloc((uint32_t)(8 + len + 1), SNOW_STRING, 0, 0);
  SNOW_PAYLOAD(s)[0] = len;
  snow_str_bytes(s)[len] = 0;
  return s;
}

SnowObj *snow_string_new(const char *bytes, uint64_t len) {
  SnowObj *s = snow_str_alloc(len);
  if (len) memcpy(snow_str_bytes(s), bytes, len);
  return s;
}

SnowObj *snow_string_concat(SnowObj *a, SnowObj *b) {
  SnowObj *volatile va = a, *volatile vb = b;
  uint64_t la = snow_str_len(a), lb = snow_str_len(b);
  if (lb == 0) return a; /* strings are immutable: share */
  if (la == 0) return b;
  SnowObj *s = snow_str_alloc(la + lb);
  memcpy(snow_str_bytes(s), snow_str_bytes(va), la);
  memcpy(snow_str_bytes(s) + la, snow_str_bytes(vb), lb);
  return s;
}

SnowObj *snow_string_concat_n(uint64_t n, SnowObj *const *parts) {
  SnowObj *const *volatile vparts = parts;
  uint64_t total = 0;
  for (uint64_t i = 0; i < n; i++) total += snow_str_len(parts[i]);
  SnowObj *s = snow_str_alloc(total);
  char *out = snow_str_bytes(s);
  for (uint64_t i = 0; i < n; i++) {
    SnowObj *p = vparts[i];
    uint64_t len = snow_str_len(p);
    memcpy(out, snow_str_bytes(p), len);
    out += len;
  }
  return s;
}

int64_t snow_string_eq(SnowObj *a, SnowObj *b) {
  if (a == b) return 1;
  uint64_t la = snow_str_len(a);
  return la == snow_str_len(b) && memcmp(snow_str_bytes(a), snow_str_bytes(b), la) == 0;
}

int64_t snow_string_cmp(SnowObj *a, SnowObj *b) {
  uint64_t la = snow_str_len(a), lb = snow_str_len(b);
  int c = memcmp(snow_str_bytes(a), snow_str_bytes(b), la < lb ? la : lb);
  if (c) return c < 0 ? -1 : 1;
  return la < lb ? -1 : la > lb;
}

/* Length of the valid UTF-8 sequence starting at p (1-4), or 0 if invalid. */
static int utf8_sequence_length(const unsigned char *p, uint64_t avail) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  int n;
  unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;      /* overlong */
    else if (c == 0xED) hi = 0x9F; /* surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;      /* overlong */
    else if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
  } else return 0;
  if (avail < (uint64_t)n) return 0;
  if (p[1] < lo || p[1] > hi) return 0;
  for (int i = 2; i < n; i++)
    if ((p[i] & 0xC0) != 0x80) return 0;
  return n;
}

int64_t snow_string_length(SnowObj *s) {
  const unsigned char *p = (const unsigned char *)snow_str_bytes(s);
  uint64_t len = snow_str_len(s), i = 0;
  int64_t count = 0;
  while (i < len) {
    if (p[i] < 0x80) {
      i++;
    } else {
      int n = utf8_sequence_length(p + i, len - i);
      i += n ? (uint64_t)n : 1;
    }
    count++;
  }
  return count;
}

SnowObj *snow_string_inspect(SnowObj *s) {
  SnowObj *volatile vs = s;
  uint64_t len = snow_str_len(s);
  SnowObj *r = snow_str_alloc(len + 2);
  char *out = snow_str_bytes(r);
  out[0] = '"';
  memcpy(out + 1, snow_str_bytes(vs), len);
  out[len + 1] = '"';
  return r;
}
