/* json_parse.c — JSON.parse (stdlib.md §15.4): strict RFC 8259 text to a
 * dynamic Json value, or the spec's positioned error message.
 *
 * Hand-written (no parser generator, no library) because it builds Snow heap
 * values directly and must reproduce the exact error descriptions and
 * positions of §15.4. Position rule: every error is reported at an index k =
 * the number of bytes examined so far (the byte that caused the error
 * included); the line is 1 + the LF bytes before the start of k's line and the
 * column is k minus that start. "peek" errors (a byte looked at but not
 * consumed) therefore report index+1, errors after consuming report index.
 *
 * Robustness: nesting is limited to 127 levels (so the recursion depth is
 * bounded), numbers of any length are converted with strtod from a private
 * copy, every read is bounds-checked, and bad input yields an Err value,
 * never a crash. GC discipline: see json_value.c. */
#include "json.h"

#include "../core/gc.h"
#include "../core/list.h"
#include "../core/panic.h"
#include "../core/text.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { JSON_MAX_DEPTH = 127 };

typedef struct Parser {
  const unsigned char *s;
  size_t len;
  size_t i;          /* next byte to read */
  int depth;         /* open arrays/objects */
  const char *error; /* description, NULL while none */
  size_t error_at;   /* bytes examined when the error was detected */
} Parser;

/* Error after consuming the offending byte(s): position = i. */
static SnowObj *fail(Parser *p, const char *description) {
  p->error = description;
  p->error_at = p->i;
  return NULL;
}
/* Error on a byte looked at but not consumed: position = i + 1 (clamped). */
static SnowObj *fail_peek(Parser *p, const char *description) {
  p->error = description;
  p->error_at = p->i < p->len ? p->i + 1 : p->len;
  return NULL;
}

static int peek(Parser *p) { return p->i < p->len ? p->s[p->i] : -1; }

static int skip_whitespace(Parser *p) {
  while (p->i < p->len) {
    unsigned char c = p->s[p->i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return c;
    p->i++;
  }
  return -1;
}

static SnowObj *parse_value(Parser *p);

/* ---- literals ---- */

static SnowObj *parse_ident(Parser *p, const char *rest, SnowObj *value) {
  for (; *rest; rest++) {
    if (p->i >= p->len) return fail(p, "EOF while parsing a value");
    if (p->s[p->i++] != (unsigned char)*rest) return fail(p, "expected ident");
  }
  return value;
}

/* ---- numbers ---- */

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static SnowObj *parse_number(Parser *p) {
  size_t start = p->i;
  int negative = 0, is_float = 0;
  if (peek(p) == '-') {
    negative = 1;
    p->i++;
  }
  if (p->i >= p->len) return fail(p, "EOF while parsing a value");
  int c = p->s[p->i++];
  if (c == '0') {
    if (is_digit(peek(p))) return fail_peek(p, "invalid number");
  } else if (c >= '1' && c <= '9') {
    while (is_digit(peek(p))) p->i++;
  } else {
    return fail(p, "invalid number");
  }
  if (peek(p) == '.') {
    is_float = 1;
    p->i++;
    if (!is_digit(peek(p)))
      return fail_peek(p, p->i < p->len ? "invalid number" : "EOF while parsing a value");
    while (is_digit(peek(p))) p->i++;
  }
  if (peek(p) == 'e' || peek(p) == 'E') {
    is_float = 1;
    p->i++;
    if (peek(p) == '+' || peek(p) == '-') p->i++;
    if (p->i >= p->len) return fail(p, "EOF while parsing a value");
    if (!is_digit(p->s[p->i++])) return fail(p, "invalid number");
    while (is_digit(peek(p))) p->i++;
  }
  size_t n = p->i - start;
  const char *text = (const char *)p->s + start;
  if (!is_float) {
    /* integer syntax: an Int if it fits, else the nearest float; -0 is -0.0 */
    uint64_t mag = 0;
    int overflow = 0;
    for (size_t k = negative; k < n; k++) {
      unsigned d = (unsigned)(text[k] - '0');
      if (mag > (UINT64_MAX - d) / 10) overflow = 1;
      else mag = mag * 10 + d;
    }
    if (!overflow) {
      if (!negative && mag <= (uint64_t)INT64_MAX) return snow_json_from_int((int64_t)mag);
      if (negative && mag != 0 && mag <= (uint64_t)INT64_MAX + 1)
        return snow_json_from_int(mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag);
    }
  }
  char small[64];
  char *copy = n < sizeof small ? small : malloc(n + 1);
  if (!copy) snow_fatal("out of memory");
  memcpy(copy, text, n);
  copy[n] = 0;
  double d = strtod(copy, NULL);
  if (copy != small) free(copy);
  if (isinf(d)) return fail(p, "number out of range");
  return snow_json_from_float(d);
}

/* ---- strings ---- */

typedef struct Bytes {
  char *data;
  size_t len, cap;
} Bytes;

static void bytes_put(Bytes *b, const void *src, size_t n) {
  if (n == 0) return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) snow_fatal("out of memory");
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, src, n);
  b->len += n;
}

static void put_utf8(Bytes *b, uint32_t cp) {
  unsigned char u[4];
  size_t n;
  if (cp < 0x80) u[0] = (unsigned char)cp, n = 1;
  else if (cp < 0x800) u[0] = (unsigned char)(0xC0 | cp >> 6), u[1] = (unsigned char)(0x80 | (cp & 0x3F)), n = 2;
  else if (cp < 0x10000)
    u[0] = (unsigned char)(0xE0 | cp >> 12), u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)),
    u[2] = (unsigned char)(0x80 | (cp & 0x3F)), n = 3;
  else
    u[0] = (unsigned char)(0xF0 | cp >> 18), u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F)),
    u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (unsigned char)(0x80 | (cp & 0x3F)), n = 4;
  bytes_put(b, u, n);
}

static int hex_value(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Four hex digits after `\u`; -1 with the error set. */
static int32_t hex_escape(Parser *p) {
  if (p->len - p->i < 4) {
    p->i = p->len;
    fail(p, "EOF while parsing a string");
    return -1;
  }
  int32_t v = 0;
  for (int k = 0; k < 4; k++) {
    int h = hex_value(p->s[p->i + k]);
    if (h < 0) {
      p->i += 4;
      fail(p, "invalid escape");
      return -1;
    }
    v = v * 16 + h;
  }
  p->i += 4;
  return v;
}

/* After the `\u`: one code point (combining a surrogate pair) into b. */
static int unicode_escape(Parser *p, Bytes *b) {
  int32_t n = hex_escape(p);
  if (n < 0) return 0;
  if (n >= 0xDC00 && n <= 0xDFFF) return fail(p, "lone leading surrogate in hex escape"), 0;
  if (n < 0xD800 || n > 0xDBFF) {
    put_utf8(b, (uint32_t)n);
    return 1;
  }
  for (int k = 0; k < 2; k++) { /* the `\` and `u` of the low half */
    if (p->i >= p->len) return fail(p, "EOF while parsing a string"), 0;
    if (p->s[p->i++] != (k == 0 ? '\\' : 'u')) return fail(p, "unexpected end of hex escape"), 0;
  }
  int32_t n2 = hex_escape(p);
  if (n2 < 0) return 0;
  if (n2 < 0xDC00 || n2 > 0xDFFF) return fail(p, "lone leading surrogate in hex escape"), 0;
  put_utf8(b, 0x10000 + (((uint32_t)n - 0xD800) << 10) + ((uint32_t)n2 - 0xDC00));
  return 1;
}

/* After the opening quote: the string's contents as a STRING object. */
static SnowObj *parse_string(Parser *p) {
  Bytes b = {0};
  size_t run = p->i; /* start of the pending unescaped run */
  for (;;) {
    while (p->i < p->len && p->s[p->i] != '"' && p->s[p->i] != '\\' && p->s[p->i] >= 0x20) p->i++;
    if (p->i >= p->len) {
      free(b.data);
      return fail(p, "EOF while parsing a string");
    }
    unsigned char c = p->s[p->i];
    if (c == '"') {
      SnowObj *s;
      if (!b.data) s = snow_string_new((const char *)p->s + run, p->i - run);
      else {
        bytes_put(&b, p->s + run, p->i - run);
        s = snow_string_new(b.data, b.len);
        free(b.data);
      }
      p->i++;
      return s;
    }
    if (c < 0x20) {
      free(b.data);
      p->i++;
      return fail(p, "control character (\\u0000-\\u001F) found while parsing a string");
    }
    /* backslash */
    bytes_put(&b, p->s + run, p->i - run);
    p->i++;
    if (p->i >= p->len) {
      free(b.data);
      return fail(p, "EOF while parsing a string");
    }
    char e = (char)p->s[p->i++], out;
    switch (e) {
    case '"': out = '"'; break;
    case '\\': out = '\\'; break;
    case '/': out = '/'; break;
    case 'b': out = '\b'; break;
    case 'f': out = '\f'; break;
    case 'n': out = '\n'; break;
    case 'r': out = '\r'; break;
    case 't': out = '\t'; break;
    case 'u':
      if (!unicode_escape(p, &b)) {
        free(b.data);
        return NULL;
      }
      run = p->i;
      continue;
    default: free(b.data); return fail(p, "invalid escape");
    }
    bytes_put(&b, &out, 1);
    run = p->i;
  }
}

/* ---- arrays and objects ---- */

/* Appends v to a growing pointer ARRAY *items (capacity *cap, count *n). */
static void push(SnowObj *volatile *items, uint64_t *n, uint64_t *cap, SnowObj *v) {
  SnowObj *volatile keep = v;
  if (*n == *cap) {
    uint64_t grown = *cap ? *cap * 2 : 8;
    SnowObj *a = snow_array_new(grown, 1);
    if (*n) memcpy(SNOW_PAYLOAD(a), SNOW_PAYLOAD(*items), *n * 8);
    *items = a;
    *cap = grown;
  }
  SNOW_PAYLOAD(*items)[(*n)++] = (SnowWord)keep;
  snow_gc_remember(*items);
}

static SnowObj *parse_array(Parser *p) {
  SnowObj *volatile items = NULL;
  uint64_t n = 0, cap = 0;
  for (;;) {
    int c = skip_whitespace(p);
    if (c == ']') break;
    if (n > 0) {
      if (c < 0) return fail_peek(p, "EOF while parsing a list");
      if (c != ',') return fail_peek(p, "expected `,` or `]`");
      p->i++;
      c = skip_whitespace(p);
      if (c == ']') return fail_peek(p, "trailing comma");
      if (c < 0) return fail_peek(p, "EOF while parsing a value");
    } else if (c < 0) {
      return fail_peek(p, "EOF while parsing a list");
    }
    SnowObj *v = parse_value(p);
    if (!v) return NULL;
    push(&items, &n, &cap, v);
  }
  p->i++; /* ] */
  SnowObj *list = n ? snow_list_view(items, 0, n) : snow_list_empty();
  return snow_json_array(list);
}

static SnowObj *parse_object(Parser *p) {
  SnowObj *volatile keys = NULL, *volatile values = NULL;
  uint64_t n = 0, cap_k = 0, cap_v = 0, nv = 0;
  for (;;) {
    int c = skip_whitespace(p);
    if (c == '}') break;
    if (n > 0) {
      if (c < 0) return fail_peek(p, "EOF while parsing an object");
      if (c != ',') return fail_peek(p, "expected `,` or `}`");
      p->i++;
      c = skip_whitespace(p);
      if (c == '}') return fail_peek(p, "trailing comma");
    } else if (c < 0) {
      return fail_peek(p, "EOF while parsing an object");
    }
    if (c < 0) return fail_peek(p, "EOF while parsing a value");
    if (c != '"') return fail_peek(p, "key must be a string");
    p->i++;
    SnowObj *key = parse_string(p);
    if (!key) return NULL;
    push(&keys, &n, &cap_k, key);
    c = skip_whitespace(p);
    if (c < 0) return fail_peek(p, "EOF while parsing an object");
    if (c != ':') return fail_peek(p, "expected `:`");
    p->i++;
    SnowObj *v = parse_value(p);
    if (!v) return NULL;
    push(&values, &nv, &cap_v, v);
  }
  p->i++; /* } */
  if (n == 0) {
    keys = snow_array_new(0, 1);
    values = snow_array_new(0, 1);
  }
  return snow_json_object_from_arrays(keys, values, n);
}

static SnowObj *parse_value(Parser *p) {
  int c = skip_whitespace(p);
  if (c < 0) return fail_peek(p, "EOF while parsing a value");
  switch (c) {
  case 'n': p->i++; return parse_ident(p, "ull", snow_json_null());
  case 't': p->i++; return parse_ident(p, "rue", snow_json_from_bool(1));
  case 'f': p->i++; return parse_ident(p, "alse", snow_json_from_bool(0));
  case '"': {
    p->i++;
    SnowObj *s = parse_string(p);
    return s ? snow_json_from_string(s) : NULL;
  }
  case '[':
  case '{': {
    if (p->depth >= JSON_MAX_DEPTH) return fail_peek(p, "recursion limit exceeded");
    p->i++;
    p->depth++;
    SnowObj *v = c == '[' ? parse_array(p) : parse_object(p);
    p->depth--;
    return v;
  }
  default:
    if (c == '-' || is_digit(c)) return parse_number(p);
    return fail_peek(p, "expected value");
  }
}

/* ---- entry point ---- */

static SnowObj *error_result(Parser *p) {
  size_t line_start = 0, line = 1;
  for (size_t k = 0; k < p->error_at; k++)
    if (p->s[k] == '\n') line_start = k + 1, line++;
  char buf[160];
  int n = snprintf(buf, sizeof buf, "%s at line %zu column %zu", p->error, line, p->error_at - line_start);
  SnowWord msg = (SnowWord)snow_string_new(buf, (uint64_t)n);
  return snow_record(1, 1, 1, &msg);
}

SnowObj *snow_json_parse(SnowObj *text) {
  SnowObj *volatile keep = text;
  Parser p = {(const unsigned char *)snow_str_bytes(keep), snow_str_len(keep), 0, 0, NULL, 0};
  SnowObj *v = parse_value(&p);
  if (v && skip_whitespace(&p) >= 0) v = fail_peek(&p, "trailing characters");
  if (!v) return error_result(&p);
  SnowWord w = (SnowWord)v;
  return snow_record(0, 1, 1, &w);
}
