/* json_encode.c — JSON.encode and the convenience encoders (stdlib.md §15.3):
 * compact text, object members already in ascending key order (json.h),
 * strings escaped per §15.3 with invalid UTF-8 bytes written as U+FFFD,
 * floats through snow_format_float (the one float format shared with
 * Display), NaN and infinities as `null`.
 *
 * The traversal uses an explicit stack, so values nested arbitrarily deep
 * (programs can build them with Json.array) cannot overflow the C stack.
 * Nothing is allocated on the Snow heap until the text is complete, so no
 * collection can move the value while it is walked. */
#include "json.h"

#include "../core/list.h"
#include "../core/panic.h"
#include "../core/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct Out {
  char *data;
  size_t len, cap;
} Out;

static void out_reserve(Out *o, size_t n) {
  if (o->len + n <= o->cap) return;
  size_t cap = o->cap ? o->cap : 256;
  while (cap < o->len + n) cap *= 2;
  char *d = realloc(o->data, cap);
  if (!d) snow_fatal("out of memory");
  o->data = d;
  o->cap = cap;
}
static void out_put(Out *o, const char *s, size_t n) {
  out_reserve(o, n);
  memcpy(o->data + o->len, s, n);
  o->len += n;
}
static void out_char(Out *o, char c) { out_put(o, &c, 1); }

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t utf8_sequence(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
  else return 0;
  if (n < len) return 0;
  for (size_t k = 1; k < len; k++) {
    if ((s[k] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[k] & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return len;
}

static void put_string(Out *o, SnowObj *s) {
  const unsigned char *b = (const unsigned char *)snow_str_bytes(s);
  size_t n = snow_str_len(s), i = 0;
  out_char(o, '"');
  while (i < n) {
    unsigned char c = b[i];
    const char *esc = NULL;
    switch (c) {
    case '"': esc = "\\\""; break;
    case '\\': esc = "\\\\"; break;
    case '\b': esc = "\\b"; break;
    case '\t': esc = "\\t"; break;
    case '\n': esc = "\\n"; break;
    case '\f': esc = "\\f"; break;
    case '\r': esc = "\\r"; break;
    default: break;
    }
    if (esc) {
      out_put(o, esc, 2);
      i++;
    } else if (c < 0x20) {
      static const char hex[] = "0123456789abcdef";
      char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      out_put(o, u, 6);
      i++;
    } else {
      size_t len = utf8_sequence(b + i, n - i);
      if (len) out_put(o, (const char *)b + i, len), i += len;
      else out_put(o, "\xEF\xBF\xBD", 3), i++;
    }
  }
  out_char(o, '"');
}

static void put_float(Out *o, double d) {
  if (!isfinite(d)) {
    out_put(o, "null", 4);
    return;
  }
  char buf[64];
  int n = snow_format_float(d, buf);
  out_put(o, buf, (size_t)n);
}

static void put_int(Out *o, int64_t v) {
  char buf[24], *e = buf + sizeof buf, *p = e;
  uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do *--p = (char)('0' + m % 10);
  while (m /= 10);
  if (v < 0) *--p = '-';
  out_put(o, p, (size_t)(e - p));
}

/* A container being written: the value and the index of its next element. */
typedef struct Frame {
  SnowObj *value;
  uint64_t next;
} Frame;

static void encode_into(Out *o, SnowObj *root) {
  Frame *stack = NULL;
  size_t depth = 0, cap = 0;
  SnowObj *v = root;
  for (;;) {
    /* write v (a scalar, or the opening of a container pushed as a frame) */
    switch (snow_json_kind_of(v)) {
    case SNOW_JSON_NULL: out_put(o, "null", 4); break;
    case SNOW_JSON_BOOL: SNOW_PAYLOAD(v)[0] ? out_put(o, "true", 4) : out_put(o, "false", 5); break;
    case SNOW_JSON_INT: put_int(o, (int64_t)SNOW_PAYLOAD(v)[0]); break;
    case SNOW_JSON_FLOAT: {
      double d;
      memcpy(&d, &SNOW_PAYLOAD(v)[0], 8);
      put_float(o, d);
      break;
    }
    case SNOW_JSON_STRING: put_string(o, (SnowObj *)SNOW_PAYLOAD(v)[0]); break;
    case SNOW_JSON_ARRAY:
    case SNOW_JSON_OBJECT:
      out_char(o, v->tag == SNOW_JSON_ARRAY ? '[' : '{');
      if (depth == cap) {
        cap = cap ? cap * 2 : 16;
        stack = realloc(stack, cap * sizeof *stack);
        if (!stack) snow_fatal("out of memory");
      }
      stack[depth++] = (Frame){v, 0};
      break;
    }
    /* find the next value to write, closing finished containers */
    v = NULL;
    while (depth > 0 && !v) {
      Frame *f = &stack[depth - 1];
      int is_object = f->value->tag == SNOW_JSON_OBJECT;
      SnowObj *items = (SnowObj *)SNOW_PAYLOAD(f->value)[is_object ? 1 : 0];
      if (f->next >= snow_list_len(items)) {
        out_char(o, is_object ? '}' : ']');
        depth--;
        continue;
      }
      if (f->next > 0) out_char(o, ',');
      if (is_object) {
        put_string(o, (SnowObj *)snow_list_elems((SnowObj *)SNOW_PAYLOAD(f->value)[0])[f->next]);
        out_char(o, ':');
      }
      v = (SnowObj *)snow_list_elems(items)[f->next++];
    }
    if (!v) break;
  }
  free(stack);
}

static SnowObj *finish(Out *o) {
  SnowObj *s = snow_string_new(o->data ? o->data : "", o->len);
  free(o->data);
  return s;
}

SnowObj *snow_json_encode(SnowObj *j) {
  Out o = {0};
  encode_into(&o, j);
  return finish(&o);
}

SnowObj *snow_json_encode_string(SnowObj *s) {
  Out o = {0};
  put_string(&o, s);
  return finish(&o);
}

SnowObj *snow_json_encode_list(SnowObj *strings) {
  Out o = {0};
  out_char(&o, '[');
  const SnowWord *e = snow_list_elems(strings);
  for (uint64_t i = 0; i < snow_list_len(strings); i++) {
    if (i) out_char(&o, ',');
    put_string(&o, (SnowObj *)e[i]);
  }
  out_char(&o, ']');
  return finish(&o);
}
