/* diag.c — see diag.h. Collects diagnostics, sorts them per language.md §8.1
 * at flush time and renders them either as the box-drawing human layout
 * (language.md §8.2, tooling.md §1.5.2) or as JSON lines (§8.3). */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define ANSI_RED "\x1b[31m"
#define ANSI_YELLOW "\x1b[33m"
#define ANSI_BLUE "\x1b[34m"
#define ANSI_DIM "\x1b[2m"
#define ANSI_RESET "\x1b[0m"

void diag_init(DiagContext *dc, Arena *arena, bool json, bool color, FILE *out) {
  memset(dc, 0, sizeof *dc);
  dc->arena = arena;
  dc->json = json;
  dc->color = color && !json;
  dc->out = out ? out : stderr;
}

static char *vformat(Arena *a, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) n = 0;
  char *d = arena_alloc(a, (size_t)n + 1);
  vsnprintf(d, (size_t)n + 1, fmt, ap);
  return d;
}

static Diagnostic *add(DiagContext *dc, const char *code, DiagSeverity sev, const SourceFile *f,
                       Span primary, const char *label, char *message) {
  Diagnostic *d = ARENA_NEW(dc->arena, Diagnostic);
  d->code = code ? arena_strdup(dc->arena, code) : "";
  d->severity = sev;
  d->message = message;
  d->file = f;
  if (primary.end < primary.start) primary.end = primary.start;
  d->labels[0].span = primary;
  d->labels[0].text = label ? arena_strdup(dc->arena, label) : NULL;
  d->labels[0].primary = true;
  d->nlabels = 1;
  d->seq = dc->seq++;
  if (dc->npending == dc->cap) {
    int ncap = dc->cap ? dc->cap * 2 : 16;
    Diagnostic **n = ARENA_ARRAY(dc->arena, Diagnostic *, ncap);
    if (dc->npending) memcpy(n, dc->pending, sizeof(Diagnostic *) * (size_t)dc->npending);
    dc->pending = n;
    dc->cap = ncap;
  }
  dc->pending[dc->npending++] = d;
  if (sev == DIAG_ERROR)
    dc->error_count++;
  else
    dc->warning_count++;
  return d;
}

Diagnostic *diag_error(DiagContext *dc, const char *code, const SourceFile *f, Span primary,
                       const char *label, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(dc->arena, fmt, ap);
  va_end(ap);
  return add(dc, code, DIAG_ERROR, f, primary, label, msg);
}

Diagnostic *diag_warning(DiagContext *dc, const char *code, const SourceFile *f, Span primary,
                         const char *label, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(dc->arena, fmt, ap);
  va_end(ap);
  return add(dc, code, DIAG_WARNING, f, primary, label, msg);
}

Diagnostic *diag_parse_error(DiagContext *dc, const SourceFile *f, Span at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(dc->arena, fmt, ap);
  va_end(ap);
  if (at.end <= at.start) at.end = at.start + 1; /* §8.3: end >= start + 1 */
  return add(dc, "P0001", DIAG_ERROR, f, at, msg, msg);
}

void diag_add_label(DiagContext *dc, Diagnostic *d, Span span, const char *text) {
  if (!d || d->nlabels >= (int)(sizeof d->labels / sizeof d->labels[0])) return;
  if (span.end < span.start) span.end = span.start;
  DiagLabel *l = &d->labels[d->nlabels++];
  l->span = span;
  l->text = text ? arena_strdup(dc->arena, text) : NULL;
  l->primary = false;
}

void diag_set_help(DiagContext *dc, Diagnostic *d, const char *fmt, ...) {
  if (!d) return;
  va_list ap;
  va_start(ap, fmt);
  d->help = vformat(dc->arena, fmt, ap);
  va_end(ap);
}

void diag_set_note(DiagContext *dc, Diagnostic *d, const char *fmt, ...) {
  if (!d) return;
  va_list ap;
  va_start(ap, fmt);
  d->note = vformat(dc->arena, fmt, ap);
  va_end(ap);
}

/* ---------- JSON rendering ---------- */

static void json_string(FILE *out, const char *s) {
  fputc('"', out);
  if (s) {
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    size_t i = 0;
    while (i < n) {
      unsigned char c = p[i];
      if (c == '"' || c == '\\') {
        fputc('\\', out);
        fputc(c, out);
        i++;
      } else if (c == '\n') {
        fputs("\\n", out), i++;
      } else if (c == '\r') {
        fputs("\\r", out), i++;
      } else if (c == '\t') {
        fputs("\\t", out), i++;
      } else if (c == '\b') {
        fputs("\\b", out), i++;
      } else if (c == '\f') {
        fputs("\\f", out), i++;
      } else if (c < 0x20 || c == 0x7f) {
        fprintf(out, "\\u%04x", c), i++;
      } else if (c < 0x80) {
        fputc(c, out), i++;
      } else {
        size_t len = utf8_decode(p + i, n - i, NULL);
        if (len) {
          fwrite(p + i, 1, len, out);
          i += len;
        } else {
          fputs("\\ufffd", out); /* keep the output valid JSON */
          i++;
        }
      }
    }
  }
  fputc('"', out);
}

static void render_json(DiagContext *dc, const Diagnostic *d) {
  FILE *out = dc->out;
  bool parse = strcmp(d->code, "P0001") == 0;
  fputs("{\"code\":", out);
  json_string(out, d->code);
  fputs(",\"severity\":", out);
  json_string(out, d->severity == DIAG_ERROR ? "error" : "warning");
  fputs(",\"message\":", out);
  if (parse) {
    char *m = arena_printf(dc->arena, "Parse error: %s", d->message);
    json_string(out, m);
  } else {
    json_string(out, d->message);
  }
  fputs(",\"file\":", out);
  json_string(out, d->file ? d->file->path : "");
  fputs(",\"spans\":[", out);
  for (int i = 0; i < d->nlabels; i++) {
    if (i) fputc(',', out);
    fprintf(out, "{\"start\":%u,\"end\":%u,\"label\":", d->labels[i].span.start,
            d->labels[i].span.end);
    json_string(out, d->labels[i].text ? d->labels[i].text : "");
    fputc('}', out);
  }
  fputs("],\"fix\":", out);
  if (d->help)
    json_string(out, d->help);
  else
    fputs("null", out);
  fputs("}\n", out);
}

/* ---------- human rendering ---------- */

/* Remembers the last position computed, so that the columns of many
 * diagnostics on one long line (they are rendered in source order) cost
 * linear time overall instead of a scan from the line start each. */
typedef struct ColumnCache {
  const SourceFile *file;
  int line;
  uint32_t offset;
  int col;
} ColumnCache;

typedef struct Human {
  FILE *out;
  bool color;
  int width; /* digits of the largest line number shown */
  ColumnCache *cache;
} Human;

static void color_on(const Human *h, const char *c) {
  if (h->color) fputs(c, h->out);
}
static void color_off(const Human *h) {
  if (h->color) fputs(ANSI_RESET, h->out);
}
static void repeat(FILE *out, const char *s, int n) {
  for (int i = 0; i < n; i++)
    fputs(s, out);
}

/* `   │` — the empty gutter, followed by `rest`. */
static void gutter(const Human *h, const char *rest) {
  color_on(h, ANSI_DIM);
  repeat(h->out, " ", h->width + 2);
  fputs("│", h->out);
  color_off(h);
  fputs(rest, h->out);
}

/* Writes one source line, making control bytes and invalid UTF-8 visible
 * without breaking the terminal (each still occupies one column). */
static void write_source_line(FILE *out, const char *text, uint32_t s, uint32_t e) {
  const unsigned char *p = (const unsigned char *)text;
  uint32_t i = s;
  while (i < e) {
    unsigned char c = p[i];
    if (c == '\t') {
      fputc('\t', out), i++;
    } else if (c < 0x20 || c == 0x7f) {
      fputs("\xef\xbf\xbd", out), i++;
    } else if (c < 0x80) {
      fputc(c, out), i++;
    } else {
      size_t len = utf8_decode(p + i, e - i, NULL);
      if (len) {
        fwrite(p + i, 1, len, out);
        i += (uint32_t)len;
      } else {
        fputs("\xef\xbf\xbd", out), i++;
      }
    }
  }
}

/* Pads to the character column of `offset` on the line starting at `ls`,
 * reproducing tabs so underlines stay aligned. Returns columns written. */
static int pad_to(FILE *out, const char *text, uint32_t ls, uint32_t offset) {
  const unsigned char *p = (const unsigned char *)text;
  int cols = 0;
  uint32_t i = ls;
  while (i < offset) {
    if (p[i] == '\t')
      fputc('\t', out);
    else
      fputc(' ', out);
    size_t len = utf8_decode(p + i, offset - i, NULL);
    i += len ? (uint32_t)len : 1;
    cols++;
  }
  return cols;
}

/* Number of characters in text[s, e). */
static int char_count(const char *text, uint32_t s, uint32_t e) {
  int n = 0;
  while (s < e) {
    size_t len = utf8_decode((const unsigned char *)text + s, e - s, NULL);
    s += len ? (uint32_t)len : 1;
    n++;
  }
  return n;
}

typedef struct LabelPos {
  const DiagLabel *label;
  int line, col;
  uint32_t start, end; /* clipped to the line */
} LabelPos;

static int cmp_labelpos(const void *a, const void *b) {
  const LabelPos *x = a, *y = b;
  if (x->line != y->line) return x->line < y->line ? -1 : 1;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return 0;
}

static int line_of(const SourceFile *f, uint32_t offset) {
  int lo = 0, hi = f->nlines - 1;
  while (lo < hi) {
    int mid = lo + (hi - lo + 1) / 2;
    if (f->line_starts[mid] <= offset)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo + 1;
}

/* source_position() with the renderer's cache. */
static void position(ColumnCache *c, const SourceFile *f, uint32_t offset, int *line, int *col) {
  int l = line_of(f, offset);
  uint32_t from = f->line_starts[l - 1];
  int base = 1;
  if (c->file == f && c->line == l && c->offset <= offset) {
    from = c->offset;
    base = c->col;
  }
  int cc = base + char_count(f->text, from, offset);
  c->file = f;
  c->line = l;
  c->offset = offset;
  c->col = cc;
  *line = l;
  *col = cc;
}

/* Offset reached by going back `nchars` characters from `s` (not before `ls`). */
static uint32_t retreat_chars(const char *text, uint32_t ls, uint32_t s, int nchars) {
  while (s > ls && nchars-- > 0) {
    s--;
    while (s > ls && ((unsigned char)text[s] & 0xC0) == 0x80)
      s--;
  }
  return s;
}

/* Offset reached by advancing `nchars` characters from `s` (not past `e`). */
static uint32_t advance_chars(const char *text, uint32_t s, uint32_t e, int nchars) {
  while (s < e && nchars-- > 0) {
    size_t len = utf8_decode((const unsigned char *)text + s, e - s, NULL);
    s += len ? (uint32_t)len : 1;
  }
  return s;
}

/* The part of a source line shown in the excerpt: very long lines (minified
 * or garbage input) are cut to a window around the first label, marked `…`. */
typedef struct Window {
  uint32_t start, end;
  bool cut_left, cut_right;
} Window;

enum { WINDOW_CHARS = 160, WINDOW_LEAD = 40 };

static Window line_window(const SourceFile *f, uint32_t ls, uint32_t le, uint32_t anchor) {
  Window w = {ls, le, false, false};
  if (le - ls <= WINDOW_CHARS) return w; /* bytes >= characters */
  if (anchor > le) anchor = le;
  w.start = retreat_chars(f->text, ls, anchor, WINDOW_LEAD);
  w.end = advance_chars(f->text, w.start, le, WINDOW_CHARS);
  w.cut_left = w.start > ls;
  w.cut_right = w.end < le;
  return w;
}

static void render_label(const Human *h, const SourceFile *f, const LabelPos *lp, Window w) {
  const char *col = lp->label->primary ? ANSI_RED : ANSI_BLUE;
  uint32_t s = lp->start < w.start ? w.start : lp->start > w.end ? w.end : lp->start;
  uint32_t e = lp->end > w.end ? w.end : lp->end;
  int width = e > s ? char_count(f->text, s, e) : 1;
  int mid = width / 2;
  /* underline row */
  gutter(h, " ");
  if (w.cut_left) fputc(' ', h->out);
  pad_to(h->out, f->text, w.start, s);
  color_on(h, col);
  for (int i = 0; i < width; i++)
    fputs(i == mid ? (lp->label->text ? "┬" : "─") : "─", h->out);
  color_off(h);
  fputc('\n', h->out);
  if (!lp->label->text) return;
  /* label row */
  gutter(h, " ");
  if (w.cut_left) fputc(' ', h->out);
  pad_to(h->out, f->text, w.start, s);
  repeat(h->out, " ", mid);
  color_on(h, col);
  fputs("╰", h->out);
  repeat(h->out, "─", width - 1 - mid + 2);
  fputc(' ', h->out);
  fputs(lp->label->text, h->out);
  color_off(h);
  fputc('\n', h->out);
}

static void render_human(DiagContext *dc, const Diagnostic *d, ColumnCache *cache) {
  Human h = {dc->out, dc->color, 1, cache};
  FILE *out = dc->out;
  bool parse = strcmp(d->code, "P0001") == 0;
  bool err = d->severity == DIAG_ERROR;

  /* header */
  if (!parse) fprintf(out, "[%s] ", d->code);
  color_on(&h, err ? ANSI_RED : ANSI_YELLOW);
  fputs(err ? "Error" : "Warning", out);
  color_off(&h);
  fprintf(out, ": %s\n", parse ? "Parse error" : d->message);

  const SourceFile *f = d->file;
  LabelPos pos[4];
  int npos = 0;
  int maxline = 1;
  if (f) {
    for (int i = 0; i < d->nlabels; i++) {
      const DiagLabel *l = &d->labels[i];
      uint32_t s = l->span.start > f->len ? (uint32_t)f->len : l->span.start;
      int line, c;
      position(h.cache, f, s, &line, &c);
      uint32_t ls, le;
      source_line_range(f, line, &ls, &le);
      uint32_t e = l->span.end;
      if (e > le) e = le; /* multi-line spans are underlined on their first line */
      if (e < s) e = s;
      pos[npos].label = l;
      pos[npos].line = line;
      pos[npos].col = c;
      pos[npos].start = s;
      pos[npos].end = e;
      npos++;
      if (line > maxline) maxline = line;
    }
  }
  int w = 1;
  for (int m = maxline; m >= 10; m /= 10)
    w++;
  h.width = w;

  /* location */
  int pl = f && npos ? pos[0].line : 1, pc = f && npos ? pos[0].col : 1;
  color_on(&h, ANSI_DIM);
  repeat(out, " ", w + 2);
  fputs("╭─[ ", out);
  color_off(&h);
  fprintf(out, "%s:%d:%d", f ? f->path : "", pl, pc);
  color_on(&h, ANSI_DIM);
  fputs(" ]", out);
  color_off(&h);
  fputc('\n', out);

  if (f && npos) {
    gutter(&h, "\n");
    LabelPos sorted[4];
    memcpy(sorted, pos, sizeof(LabelPos) * (size_t)npos);
    qsort(sorted, (size_t)npos, sizeof(LabelPos), cmp_labelpos);
    int prev_line = 0;
    Window win = {0, 0, false, false};
    for (int i = 0; i < npos; i++) {
      int line = sorted[i].line;
      if (line != prev_line) {
        if (prev_line && line > prev_line + 1) {
          color_on(&h, ANSI_DIM);
          repeat(out, " ", w + 2);
          fputs("┆", out);
          color_off(&h);
          fputc('\n', out);
        }
        uint32_t ls, le;
        source_line_range(f, line, &ls, &le);
        color_on(&h, ANSI_DIM);
        fprintf(out, " %*d │", w, line);
        color_off(&h);
        fputc(' ', out);
        win = line_window(f, ls, le, sorted[i].start);
        if (win.cut_left) fputs("…", out);
        write_source_line(out, f->text, win.start, win.end);
        if (win.cut_right) fputs("…", out);
        fputc('\n', out);
        prev_line = line;
      }
      render_label(&h, f, &sorted[i], win);
    }
  }
  if (d->help || d->note) {
    gutter(&h, "\n");
    if (d->help) {
      gutter(&h, " Help: ");
      fprintf(out, "%s\n", d->help);
    }
    if (d->note) {
      gutter(&h, " Note: ");
      fprintf(out, "%s\n", d->note);
    }
  }
  color_on(&h, ANSI_DIM);
  repeat(out, "─", w + 2);
  fputs("╯", out);
  color_off(&h);
  fputc('\n', out);
}

/* ---------- flushing ---------- */

typedef struct SortKey {
  Diagnostic *d;
  int file_rank;
} SortKey;

static int cmp_diag(const void *a, const void *b) {
  const SortKey *x = a, *y = b;
  if (x->file_rank != y->file_rank) return x->file_rank < y->file_rank ? -1 : 1;
  if (x->d->severity != y->d->severity) return x->d->severity == DIAG_ERROR ? -1 : 1;
  uint32_t xs = x->d->labels[0].span.start, ys = y->d->labels[0].span.start;
  if (xs != ys) return xs < ys ? -1 : 1;
  return x->d->seq < y->d->seq ? -1 : (x->d->seq > y->d->seq);
}

void diag_flush(DiagContext *dc) {
  int n = dc->npending;
  if (n == 0) return;
  SortKey *keys = ARENA_ARRAY(dc->arena, SortKey, n);
  /* files ranked by the order in which they were first reported */
  const SourceFile **files = ARENA_ARRAY(dc->arena, const SourceFile *, n);
  int nfiles = 0;
  for (int i = 0; i < n; i++) {
    Diagnostic *d = dc->pending[i];
    int rank = -1;
    for (int j = 0; j < nfiles; j++)
      if (files[j] == d->file) rank = j;
    if (rank < 0) {
      rank = nfiles;
      files[nfiles++] = d->file;
    }
    keys[i].d = d;
    keys[i].file_rank = rank;
  }
  qsort(keys, (size_t)n, sizeof(SortKey), cmp_diag);
  ColumnCache cache = {NULL, 0, 0, 1};
  for (int i = 0; i < n; i++) {
    if (dc->json)
      render_json(dc, keys[i].d);
    else
      render_human(dc, keys[i].d, &cache);
  }
  fflush(dc->out);
  dc->npending = 0;
}

void diag_flush_file(DiagContext *dc, const SourceFile *f) {
  Diagnostic **mine = ARENA_ARRAY(dc->arena, Diagnostic *, dc->npending + 1);
  int take = 0, keep = 0;
  for (int i = 0; i < dc->npending; i++) {
    if (dc->pending[i]->file == f)
      mine[take++] = dc->pending[i];
    else
      dc->pending[keep++] = dc->pending[i];
  }
  Diagnostic **rest = dc->pending;
  dc->pending = mine;
  dc->npending = take;
  diag_flush(dc);
  dc->pending = rest;
  dc->npending = keep;
}

void diag_fatal_line(DiagContext *dc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(dc->arena, fmt, ap);
  va_end(ap);
  dc->error_count++;
  if (dc->json) {
    fputs("{\"code\":\"C0001\",\"severity\":\"error\",\"message\":", dc->out);
    json_string(dc->out, msg);
    fputs(",\"file\":\"\",\"spans\":[],\"fix\":null}\n", dc->out);
  } else if (dc->color) {
    fprintf(dc->out, ANSI_RED "error" ANSI_RESET ": %s\n", msg);
  } else {
    fprintf(dc->out, "error: %s\n", msg);
  }
  fflush(dc->out);
}
