/* number.c — numeric conversions with the edge cases of stdlib.md §7.2. */
#include "snow_rt.h"

#include <math.h>

int64_t snow_float_to_int(double v) {
  if (isnan(v)) return 0;
  if (v >= 9223372036854775808.0) return INT64_MAX;
  if (v < -9223372036854775808.0) return INT64_MIN;
  return (int64_t)v; /* in range: C truncates toward zero */
}
