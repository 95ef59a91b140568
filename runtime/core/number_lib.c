/* number_lib.c — the Math module (stdlib.md §7.1, edge cases §7.2).
 * Int.to_float and Float.to_int are lowered inline by the compiler
 * (Float.to_int saturates like snow_float_to_int in number.c). */
#include <math.h>

#include "snow_rt.h"

/* The minimum Int is returned unchanged (two's-complement wrap, §7.2). */
int64_t snow_math_abs_int(int64_t v) {
  return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}
double snow_math_abs_float(double v) {
  return fabs(v);
}
int64_t snow_math_min_int(int64_t a, int64_t b) {
  return a < b ? a : b;
}
int64_t snow_math_max_int(int64_t a, int64_t b) {
  return a > b ? a : b;
}
/* fmin/fmax return the other argument when exactly one is NaN. */
double snow_math_min_float(double a, double b) {
  return fmin(a, b);
}
double snow_math_max_float(double a, double b) {
  return fmax(a, b);
}
double snow_math_pow(double base, double exp) {
  return pow(base, exp);
}
double snow_math_sqrt(double v) {
  return sqrt(v);
}
/* Rounded values outside the Int range saturate and NaN gives 0 (§7.2). */
int64_t snow_math_floor(double v) {
  return snow_float_to_int(floor(v));
}
int64_t snow_math_ceil(double v) {
  return snow_float_to_int(ceil(v));
}
int64_t snow_math_round(double v) {
  return snow_float_to_int(round(v));
} /* halves away from 0 */
