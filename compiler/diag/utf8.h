/* utf8.h — strict UTF-8 decoding shared by the source positions, the
 * diagnostics renderer and the lexer.
 *
 * Contract: utf8_decode() looks at the bytes s[0..n) and returns the length
 * (1-4) of the well-formed UTF-8 sequence starting at s[0], storing its
 * scalar value in *cp (if cp is not NULL); it returns 0 when s[0] does not
 * start a well-formed sequence (stray continuation byte, overlong form,
 * surrogate, value above U+10FFFF, truncated sequence) or n == 0. */
#ifndef SNOW_UTF8_H
#define SNOW_UTF8_H

#include <stddef.h>
#include <stdint.h>

static inline size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
  if (n == 0) return 0;
  unsigned char b = s[0];
  if (b < 0x80) {
    if (cp) *cp = b;
    return 1;
  }
  size_t len;
  uint32_t v, min;
  if ((b & 0xE0) == 0xC0) {
    len = 2, v = b & 0x1F, min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    len = 3, v = b & 0x0F, min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    len = 4, v = b & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  if (cp) *cp = v;
  return len;
}

#endif
