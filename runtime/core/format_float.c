/* format_float.c — the one Float-to-text routine (language.md §7.2), shared
 * by Display/Debug and (later) JSON encoding.
 *
 * Digits: for each precision p = 1..17 take the correctly rounded p-digit
 * decimal D of the value (printf %.{p-1}e) and its two p-digit neighbours;
 * the first p at which one of them reads back (strtod) as the same double
 * gives the shortest digits, preferring D (the closest) — a neighbour can only
 * succeed where the rounding interval is asymmetric (powers of two).
 *
 * Fast path for normal numbers: if the 15-digit rounding D15 reads back, its
 * digits without trailing zeros are already the answer. Reason: a normal
 * double's round-trip interval is narrower than 2^-52 * v < 1.2e-15 * 10^e
 * (v in [10^e, 10^(e+1))), less than half the spacing 10^(e-14) of 15-digit
 * decimals; so the shortest round-trip decimal, if it has at most 15 digits,
 * is the 15-digit decimal nearest v, i.e. D15. */
#include "snow_rt.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Decimal {
  uint64_t mantissa; /* p significant digits */
  int exp10;         /* value = mantissa * 10^exp10 */
} Decimal;

static int reads_back(Decimal d, double v) {
  char buf[48];
  snprintf(buf, sizeof buf, "%llue%d", (unsigned long long)d.mantissa, d.exp10);
  return strtod(buf, NULL) == v;
}

/* Shortest round-trip digits of a finite v > 0: writes them (no trailing
 * zeros) to `digits` and returns their count; *kk receives the exponent with
 * v = 0.d1d2...dn * 10^kk. */
/* The p-digit decimal nearest v (printf rounds correctly). */
static Decimal nearest_decimal(double v, int p) {
  char buf[48];
  snprintf(buf, sizeof buf, "%.*e", p - 1, v);
  /* buf: d[.ddd]e[+-]xx */
  uint64_t m = 0;
  char *c = buf;
  for (; *c && *c != 'e'; c++)
    if (*c >= '0' && *c <= '9') m = m * 10 + (uint64_t)(*c - '0');
  Decimal d = {m, atoi(c + 1) - (p - 1)};
  return d;
}

static int shortest_digits(double v, char *digits, int *kk) {
  Decimal found = {0, 0};
  int p = 1;
  if (v >= DBL_MIN) {
    Decimal d15 = nearest_decimal(v, 15);
    if (reads_back(d15, v)) {
      found = d15;
      p = 0; /* found */
    } else {
      p = 16;
    }
  }
  for (; p && p <= 17; p++) {
    Decimal d = nearest_decimal(v, p);
    if (reads_back(d, v)) {
      found = d;
      break;
    }
    Decimal up = {d.mantissa + 1, d.exp10}, down = {d.mantissa - 1, d.exp10};
    if (reads_back(up, v)) {
      found = up;
      break;
    }
    if (d.mantissa > 1 && reads_back(down, v)) {
      found = down;
      break;
    }
  }
  char tmp[24];
  int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)found.mantissa);
  int exp10 = found.exp10;
  while (n > 1 && tmp[n - 1] == '0') {
    n--;
    exp10++;
  }
  memcpy(digits, tmp, (size_t)n);
  *kk = exp10 + n;
  return n;
}

int snow_format_float(double v, char *buf) {
  if (isnan(v)) {
    memcpy(buf, "NaN", 4);
    return 3;
  }
  int len = 0;
  if (signbit(v)) {
    buf[len++] = '-';
    v = -v;
  }
  if (isinf(v)) {
    memcpy(buf + len, "inf", 4);
    return len + 3;
  }
  if (v == 0) {
    memcpy(buf + len, "0.0", 4);
    return len + 3;
  }
  char d[24];
  int kk;
  int n = shortest_digits(v, d, &kk);
  if (kk > 0 && kk <= 16) {
    if (n <= kk) {
      memcpy(buf + len, d, (size_t)n);
      len += n;
      for (int i = n; i < kk; i++) buf[len++] = '0';
      buf[len++] = '.';
      buf[len++] = '0';
    } else {
      memcpy(buf + len, d, (size_t)kk);
      len += kk;
      buf[len++] = '.';
      memcpy(buf + len, d + kk, (size_t)(n - kk));
      len += n - kk;
    }
  } else if (kk <= 0 && kk > -5) {
    buf[len++] = '0';
    buf[len++] = '.';
    for (int i = 0; i < -kk; i++) buf[len++] = '0';
    memcpy(buf + len, d, (size_t)n);
    len += n;
  } else {
    buf[len++] = d[0];
    if (n > 1) {
      buf[len++] = '.';
      memcpy(buf + len, d + 1, (size_t)(n - 1));
      len += n - 1;
    }
    len += snprintf(buf + len, 8, "e%d", kk - 1);
  }
  buf[len] = 0;
  return len;
}
