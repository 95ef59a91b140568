/* source.h — a loaded source file and position arithmetic.
 *
 * Contract: a SourceFile owns a copy of the file's bytes (NUL-terminated,
 * though the text may itself contain NUL bytes: always use `len`). Offsets
 * are 0-based byte offsets. source_position() converts an offset to a
 * 1-based line and a 1-based column counted in Unicode scalar values
 * (invalid UTF-8 bytes count one column each). */
#ifndef SNOW_SOURCE_H
#define SNOW_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"

typedef struct Span {
  uint32_t start, end; /* byte offsets, end exclusive */
} Span;

typedef struct SourceFile {
  const char *path;        /* as printed in diagnostics, e.g. "proj/main.snow" */
  const char *rel_path;    /* relative to the project dir, e.g. "main.snow" */
  const char *module_name; /* e.g. "Main", "Geometry.Shapes" */
  const char *text;
  size_t len;
  uint32_t *line_starts; /* offsets of the first byte of each line */
  int nlines;
  int id; /* index in the project's file list */
} SourceFile;

/* Builds a SourceFile from bytes (copied into the arena). */
SourceFile *source_from_bytes(Arena *a, const char *path, const char *text, size_t len);

/* 1-based line and character column of a byte offset. */
void source_position(const SourceFile *f, uint32_t offset, int *line, int *col);

/* Byte range [start,end) of the 1-based line `line`, without its terminator. */
void source_line_range(const SourceFile *f, int line, uint32_t *start, uint32_t *end);

static inline Span span_make(uint32_t s, uint32_t e) {
  Span sp = {s, e};
  return sp;
}
static inline Span span_join(Span a, Span b) {
  Span sp = {a.start < b.start ? a.start : b.start, a.end > b.end ? a.end : b.end};
  return sp;
}

#endif
