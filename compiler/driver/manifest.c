/* manifest.c — a deliberately small TOML reader for snow.toml (see manifest.h).
 * It understands comments, [table] headers, `key = value` with basic strings,
 * arrays and inline tables; anything else is a parse error with a line number. */
#include "manifest.h"

#include <stdbool.h>
#include <string.h>

typedef struct Reader {
  Arena *a;
  const char *p, *end;
  int line;
  const char *err;
} Reader;

static void skip_space(Reader *r) {
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t')) r->p++;
}

/* Skips spaces, newlines and comments (inside arrays / inline tables). */
static void skip_space_nl(Reader *r) {
  for (;;) {
    skip_space(r);
    if (r->p < r->end && *r->p == '#') {
      while (r->p < r->end && *r->p != '\n') r->p++;
    } else if (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
      if (*r->p == '\n') r->line++;
      r->p++;
    } else {
      return;
    }
  }
}

static bool at_line_end(Reader *r) {
  skip_space(r);
  if (r->p < r->end && *r->p == '#')
    while (r->p < r->end && *r->p != '\n') r->p++;
  if (r->p < r->end && *r->p == '\r') r->p++;
  return r->p >= r->end || *r->p == '\n';
}

static bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static const char *read_key(Reader *r) {
  skip_space(r);
  if (r->p < r->end && *r->p == '"') {
    const char *s = ++r->p;
    while (r->p < r->end && *r->p != '"' && *r->p != '\n') r->p++;
    if (r->p >= r->end || *r->p != '"') {
      r->err = arena_printf(r->a, "unterminated quoted key at line %d", r->line);
      return NULL;
    }
    return arena_strndup(r->a, s, (size_t)(r->p++ - s));
  }
  const char *s = r->p;
  while (r->p < r->end && is_key_char(*r->p)) r->p++;
  if (r->p == s) {
    r->err = arena_printf(r->a, "expected a key at line %d", r->line);
    return NULL;
  }
  return arena_strndup(r->a, s, (size_t)(r->p - s));
}

typedef enum ValueKind { V_STRING, V_ARRAY, V_TABLE, V_OTHER } ValueKind;

static ValueKind read_value(Reader *r, const char **str);

static const char *read_string(Reader *r) {
  char quote = *r->p++;
  char *buf = arena_alloc(r->a, (size_t)(r->end - r->p) + 1);
  size_t n = 0;
  while (r->p < r->end && *r->p != quote) {
    if (*r->p == '\n') break;
    if (quote == '"' && *r->p == '\\' && r->p + 1 < r->end) {
      r->p++;
      char c = *r->p++;
      buf[n++] = c == 'n' ? '\n' : c == 't' ? '\t' : c;
      continue;
    }
    buf[n++] = *r->p++;
  }
  if (r->p >= r->end || *r->p != quote) {
    r->err = arena_printf(r->a, "unterminated string at line %d", r->line);
    return NULL;
  }
  r->p++;
  buf[n] = 0;
  return buf;
}

static ValueKind read_value(Reader *r, const char **str) {
  skip_space(r);
  *str = NULL;
  if (r->p >= r->end) {
    r->err = arena_printf(r->a, "expected a value at line %d", r->line);
    return V_OTHER;
  }
  char c = *r->p;
  if (c == '"' || c == '\'') {
    *str = read_string(r);
    return V_STRING;
  }
  if (c == '[' || c == '{') {
    char close = c == '[' ? ']' : '}';
    r->p++;
    for (;;) {
      skip_space_nl(r);
      if (r->p < r->end && *r->p == close) {
        r->p++;
        return c == '[' ? V_ARRAY : V_TABLE;
      }
      if (c == '{') {
        if (!read_key(r)) return V_OTHER;
        skip_space(r);
        if (r->p >= r->end || *r->p != '=') {
          r->err = arena_printf(r->a, "expected '=' at line %d", r->line);
          return V_OTHER;
        }
        r->p++;
      }
      const char *ignored;
      read_value(r, &ignored);
      if (r->err) return V_OTHER;
      skip_space_nl(r);
      if (r->p < r->end && *r->p == ',') {
        r->p++;
        continue;
      }
      if (r->p < r->end && *r->p == close) continue;
      r->err = arena_printf(r->a, "expected ',' or '%c' at line %d", close, r->line);
      return V_OTHER;
    }
  }
  /* numbers, booleans, dates: a bare word */
  const char *s = r->p;
  while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '#' && *r->p != ']' && *r->p != '}' &&
         *r->p != ' ' && *r->p != '\t' && *r->p != '\r')
    r->p++;
  if (r->p == s) r->err = arena_printf(r->a, "expected a value at line %d", r->line);
  return V_OTHER;
}

const char *manifest_name_problem(const char *name) {
  if (!*name) return "must not be empty";
  if (!(name[0] >= 'a' && name[0] <= 'z')) return "must start with a lowercase ASCII letter";
  for (const char *p = name; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
      return "may contain only lowercase ASCII letters, digits, underscores and hyphens";
  return NULL;
}

const char *manifest_parse(Arena *a, const char *path, const char *text, size_t len, Manifest *out) {
  memset(out, 0, sizeof *out);
  Reader r = {a, text, text + len, 1, NULL};
  const char *table = "";
  bool has_package = false;
  for (;;) {
    skip_space_nl(&r);
    if (r.p >= r.end) break;
    if (*r.p == '[') {
      r.p++;
      const char *name = read_key(&r);
      if (!name) break;
      skip_space(&r);
      if (r.p >= r.end || *r.p != ']') {
        r.err = arena_printf(a, "expected ']' at line %d", r.line);
        break;
      }
      r.p++;
      if (!at_line_end(&r)) {
        r.err = arena_printf(a, "unexpected text after table header at line %d", r.line);
        break;
      }
      table = name;
      if (strcmp(table, "package") == 0) has_package = true;
      continue;
    }
    const char *key = read_key(&r);
    if (!key) break;
    skip_space(&r);
    if (r.p >= r.end || *r.p != '=') {
      r.err = arena_printf(a, "expected '=' after key '%s' at line %d", key, r.line);
      break;
    }
    r.p++;
    const char *str;
    ValueKind kind = read_value(&r, &str);
    if (r.err) break;
    if (!at_line_end(&r)) {
      r.err = arena_printf(a, "unexpected text after value at line %d", r.line);
      break;
    }
    if (strcmp(table, "package") == 0) {
      if (strcmp(key, "name") == 0 || strcmp(key, "version") == 0) {
        if (kind != V_STRING) {
          r.err = arena_printf(a, "package.%s must be a string", key);
          break;
        }
        if (key[0] == 'n')
          out->name = str;
        else
          out->version = str;
      }
    } else if (strcmp(table, "dependencies") == 0) {
      if (!out->first_dependency) out->first_dependency = key;
      out->ndependencies++;
    }
  }
  if (r.err) return arena_printf(a, "Failed to parse manifest: %s", r.err);
  if (!has_package) return "Failed to parse manifest: missing table [package]";
  if (!out->name) return "Failed to parse manifest: missing key package.name";
  if (!out->version) return "Failed to parse manifest: missing key package.version";
  const char *why = manifest_name_problem(out->name);
  if (why) return arena_printf(a, "Invalid package name '%s' in %s: %s", out->name, path, why);
  return NULL;
}
