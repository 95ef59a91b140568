/* source.c — see source.h. Line starts are computed once (LF, CRLF and CR
 * all end a line, language.md §2.3); positions are found by binary search. */
#include "source.h"

#include <string.h>

#include "utf8.h"

SourceFile *source_from_bytes(Arena *a, const char *path, const char *text, size_t len) {
  SourceFile *f = ARENA_NEW(a, SourceFile);
  f->path = path ? arena_strdup(a, path) : "";
  f->rel_path = f->path;
  f->module_name = "";
  char *copy = arena_alloc(a, len + 1);
  if (len) memcpy(copy, text, len);
  copy[len] = 0;
  f->text = copy;
  f->len = len;

  int count = 1;
  for (size_t i = 0; i < len; i++) {
    if (copy[i] == '\n' || (copy[i] == '\r' && (i + 1 >= len || copy[i + 1] != '\n'))) count++;
  }
  f->line_starts = ARENA_ARRAY(a, uint32_t, count);
  int n = 0;
  f->line_starts[n++] = 0;
  for (size_t i = 0; i < len; i++) {
    if (copy[i] == '\n' || (copy[i] == '\r' && (i + 1 >= len || copy[i + 1] != '\n')))
      f->line_starts[n++] = (uint32_t)(i + 1);
  }
  f->nlines = n;
  return f;
}

/* Index (0-based) of the line containing `offset`. */
static int line_index(const SourceFile *f, uint32_t offset) {
  int lo = 0, hi = f->nlines - 1;
  while (lo < hi) {
    int mid = lo + (hi - lo + 1) / 2;
    if (f->line_starts[mid] <= offset)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

void source_position(const SourceFile *f, uint32_t offset, int *line, int *col) {
  if (offset > f->len) offset = (uint32_t)f->len;
  int li = line_index(f, offset);
  uint32_t p = f->line_starts[li];
  int c = 1;
  while (p < offset) {
    size_t n = utf8_decode((const unsigned char *)f->text + p, f->len - p, NULL);
    p += n ? (uint32_t)n : 1;
    c++;
  }
  *line = li + 1;
  *col = c;
}

void source_line_range(const SourceFile *f, int line, uint32_t *start, uint32_t *end) {
  if (line < 1) line = 1;
  if (line > f->nlines) line = f->nlines;
  uint32_t s = f->line_starts[line - 1];
  /* the next line's start, minus this line's terminator (LF, CRLF or CR) */
  uint32_t e = line < f->nlines ? f->line_starts[line] : (uint32_t)f->len;
  if (line < f->nlines) {
    if (e > s && f->text[e - 1] == '\n') e--;
    if (e > s && f->text[e - 1] == '\r') e--;
  }
  *start = s;
  *end = e;
}
