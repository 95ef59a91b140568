/* diag.h — the compiler's one diagnostics module.
 *
 * Contract: passes report problems with diag_error()/diag_warning() (plus
 * optional extra labels, help and note); nothing is printed until
 * diag_flush(), which renders the collected diagnostics of one phase in
 * the order required by language.md §8.1 (source order within a file) in
 * one of two renderings: human (language.md §8.2, tooling.md §1.5.2) or
 * JSON lines (§8.3). Driver-level failures (`error: ...` lines / C0001
 * objects) go through diag_fatal_line(). The module keeps counts so the
 * driver knows whether a phase failed. All memory comes from the arena
 * given at init. */
#ifndef SNOW_DIAG_H
#define SNOW_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "../util/arena.h"
#include "source.h"

typedef enum DiagSeverity { DIAG_ERROR, DIAG_WARNING } DiagSeverity;

typedef struct DiagLabel {
  Span span;
  const char *text; /* may be NULL */
  bool primary;
} DiagLabel;

typedef struct Diagnostic {
  const char *code; /* "E0001", "W0001", "P0001" */
  DiagSeverity severity;
  const char *message; /* headline; for parse errors the parser's message */
  const SourceFile *file;
  DiagLabel labels[4];
  int nlabels; /* labels[0] is the primary span */
  const char *help; /* "Help:" text, or NULL; also the JSON "fix" */
  const char *note; /* "Note:" text, or NULL */
  int seq;          /* report order, for stable sorting */
} Diagnostic;

typedef struct DiagContext {
  Arena *arena;
  bool json;
  bool color;
  FILE *out; /* stderr normally */
  Diagnostic **pending;
  int npending, cap;
  int error_count, warning_count;
  int seq;
} DiagContext;

void diag_init(DiagContext *dc, Arena *arena, bool json, bool color, FILE *out);

/* Adds a diagnostic with one primary label; returns it so callers can add
 * labels/help/note before the next flush. `fmt` builds the headline. */
Diagnostic *diag_error(DiagContext *dc, const char *code, const SourceFile *f, Span primary,
                       const char *label, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
Diagnostic *diag_warning(DiagContext *dc, const char *code, const SourceFile *f, Span primary,
                         const char *label, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Parse errors: header `Error: Parse error`, JSON code P0001 with message
 * "Parse error: <msg>"; the label text is `msg`. */
Diagnostic *diag_parse_error(DiagContext *dc, const SourceFile *f, Span at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

void diag_add_label(DiagContext *dc, Diagnostic *d, Span span, const char *text);
void diag_set_help(DiagContext *dc, Diagnostic *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_set_note(DiagContext *dc, Diagnostic *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints all pending diagnostics: errors of each file in source order, then
 * that file's warnings; files in the order they were first reported. */
void diag_flush(DiagContext *dc);
/* Like diag_flush for the diagnostics of file `f` only; the others stay
 * pending (the checker prints each module's diagnostics at its turn in the
 * dependency order, whichever phase reported them). */
void diag_flush_file(DiagContext *dc, const SourceFile *f);

/* A driver-level failure: `error: MSG` (human) or a C0001 JSON object. */
void diag_fatal_line(DiagContext *dc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
