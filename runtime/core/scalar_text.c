/* scalar_text.c — Display/Debug text of Int, Float, Bool and Unit (§7.1). */
#include "text.h"

#include <string.h>

SnowObj *snow_int_to_string(int64_t v) {
  char buf[24];
  char *end = buf + sizeof buf, *p = end;
  /* work on the unsigned magnitude so that INT64_MIN is exact */
  uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    *--p = (char)('0' + mag % 10);
    mag /= 10;
  } while (mag);
  if (v < 0) *--p = '-';
  return snow_string_new(p, (uint64_t)(end - p));
}

SnowObj *snow_float_to_string(double v) {
  char buf[40];
  int n = snow_format_float(v, buf);
  return snow_string_new(buf, (uint64_t)n);
}

SNOW_STATIC_STRING(text_true, "true");
SNOW_STATIC_STRING(text_false, "false");
SNOW_STATIC_STRING(text_unit, "()");

SnowObj *snow_bool_to_string(int64_t v) {
  return v ? &text_true.header : &text_false.header;
}

SnowObj *snow_unit_to_string(void) { return &text_unit.header; }
