/* test_lexer.c — token kinds for tricky inputs, lexical diagnostics, and
 * losslessness (concatenated token texts reproduce the input byte for byte)
 * on hand-written, random and garbage inputs and on every .snow file under
 * tests/ and examples/. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../compiler/lex/lexer.h"

#include "unit.h"

typedef struct Lexed {
  Arena arena;
  DiagContext dc;
  SourceFile *f;
  Token *toks;
  int n;
  char *diag_text;
  size_t diag_len;
  FILE *diag_out;
} Lexed;

static void lex_bytes(Lexed *l, const char *src, size_t len) {
  arena_init(&l->arena);
  l->diag_out = open_memstream(&l->diag_text, &l->diag_len);
  diag_init(&l->dc, &l->arena, true, false, l->diag_out);
  l->f = source_from_bytes(&l->arena, "t.snow", src, len);
  l->n = lex_file(&l->arena, &l->dc, l->f, &l->toks);
  diag_flush(&l->dc);
  fflush(l->diag_out);
}

static void lexed_free(Lexed *l) {
  fclose(l->diag_out);
  free(l->diag_text);
  arena_free(&l->arena);
}

/* Short names of the significant tokens, space separated. */
static const char *short_name(TokenKind k) {
  switch (k) {
  case TK_NEWLINE:
    return "NL";
  case TK_IDENT:
    return "ID";
  case TK_INT:
    return "INT";
  case TK_FLOAT:
    return "FLOAT";
  case TK_STR_START:
    return "SS";
  case TK_STR_TEXT:
    return "ST";
  case TK_INTERP_START:
    return "IS";
  case TK_INTERP_END:
    return "IE";
  case TK_STR_END:
    return "SE";
  case TK_ERROR:
    return "ERR";
  case TK_EOF:
    return "EOF";
  default:
    return token_kind_name(k);
  }
}

static char *kinds_of(const char *src) {
  static char buf[4096];
  Lexed l;
  lex_bytes(&l, src, strlen(src));
  buf[0] = 0;
  for (int i = 0; i < l.n; i++) {
    if (token_is_trivia(l.toks[i].kind)) continue;
    if (buf[0]) strcat(buf, " ");
    strcat(buf, short_name(l.toks[i].kind));
  }
  lexed_free(&l);
  return buf;
}

static void check_kinds(const char *src, const char *expected, int line) {
  const char *got = kinds_of(src);
  if (strcmp(got, expected) == 0) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "FAIL line %d: kinds of [%s]\n  expected: %s\n  got:      %s\n", line, src,
            expected, got);
  }
}
#define KINDS(src, exp) check_kinds(src, exp, __LINE__)

/* Returns whether the token stream covers the bytes exactly, in order. */
static bool lossless(const char *src, size_t len, int *ntok_out) {
  Lexed l;
  lex_bytes(&l, src, len);
  bool ok = l.n > 0 && l.toks[l.n - 1].kind == TK_EOF;
  uint32_t at = 0;
  for (int i = 0; ok && i < l.n; i++) {
    if (l.toks[i].start != at) ok = false;
    at += l.toks[i].len;
  }
  if (at != len) ok = false;
  /* byte-for-byte concatenation */
  if (ok) {
    char *cat = malloc(len + 1);
    size_t w = 0;
    for (int i = 0; i < l.n; i++) {
      memcpy(cat + w, l.f->text + l.toks[i].start, l.toks[i].len);
      w += l.toks[i].len;
    }
    ok = w == len && memcmp(cat, src, len) == 0;
    free(cat);
  }
  if (ntok_out) *ntok_out = l.n;
  lexed_free(&l);
  return ok;
}

/* Diagnostics (JSON lines) produced while lexing. */
static char *diags_of(const char *src, size_t len) {
  static char buf[8192];
  Lexed l;
  lex_bytes(&l, src, len);
  snprintf(buf, sizeof buf, "%.*s", (int)l.diag_len, l.diag_text ? l.diag_text : "");
  lexed_free(&l);
  return buf;
}

static void test_kinds(void) {
  KINDS("", "EOF");
  KINDS("let x = 1", "`let` ID `=` INT EOF");
  KINDS("a\nb\r\nc\rd", "ID NL ID NL ID NL ID EOF");
  KINDS("1..5", "INT `..` INT EOF");
  KINDS("1.5 1e10 2E-3 3.abs 1_000.25 6.02E+23", "FLOAT FLOAT FLOAT INT `.` ID FLOAT FLOAT EOF");
  KINDS("0x1F 0b101 0o17 007 1_000_000 0xff_ff", "INT INT INT INT INT INT EOF");
  KINDS("<= <> .. :: |> || | && == => = != ! -> - ++ + % { } ( ) [ ] , ; : ? . * /",
        "`<=` `<>` `..` `::` `|>` `||` `|` `&&` `==` `=>` `=` `!=` `!` `->` `-` `++` `+` `%` "
        "`{` `}` `(` `)` `[` `]` `,` `;` `:` `?` `.` `*` `/` EOF");
  KINDS("x # comment\ny", "ID NL ID EOF");
  KINDS("## doc\n##! mod\n", "NL NL EOF");
  KINDS("a #= one #= two =# still =# b", "ID ID EOF");
  KINDS("a #= multi\nline =# b", "ID ID EOF");
  KINDS("fn end do actor with trap", "`fn` `end` `do` `actor` `with` `trap` EOF");
  KINDS("from as deriving Fun _ _x x1", "ID ID ID ID ID ID ID EOF");
  KINDS("\"abc\"", "SS ST SE EOF");
  KINDS("\"\"", "SS SE EOF");
  KINDS("\"a${x}b\"", "SS ST IS ID IE ST SE EOF");
  KINDS("\"${%{1 => 2}}\"", "SS IS `%` `{` INT `=>` INT `}` IE SE EOF");
  KINDS("\"a ${f(\"b ${x}\")} c\"", "SS ST IS ID `(` SS ST IS ID IE SE `)` IE ST SE EOF");
  KINDS("\"\\${x}\"", "SS ST SE EOF");
  KINDS("\"#{x} $x\"", "SS ST SE EOF");
  KINDS("\"\"\"say \"hi\" \"\" ok\"\"\"", "SS ST SE EOF");
  KINDS("\"line\nbreak\"", "SS ST SE EOF");
  KINDS("\"esc \\\" quote\"", "SS ST SE EOF");
  KINDS("@ $ ` \\ ^ ~ ' &", "ERR ERR ERR ERR ERR ERR ERR ERR EOF");
  KINDS("caf\xc3\xa9 \xce\xbb\xce\xb1 \xe6\x97\xa5\xe6\x9c\xac", "ID ID ID EOF");
  KINDS("\xff x", "ERR ID EOF");
  KINDS("\xe2\x82\xac", "ERR EOF"); /* euro sign: a symbol, not a letter */
  KINDS("\xef\xbb\xbfx", "ID EOF"); /* BOM is trivia */
  KINDS("List<Map<String, Int>>", "ID `<` ID `<` ID `,` ID `>` `>` EOF");
  KINDS("%{", "`%` `{` EOF");
  /* unterminated string: the composite is closed with a zero-length end */
  KINDS("\"abc", "SS ST SE EOF");
  KINDS("\"a ${x", "SS ST IS ID IE SE EOF");
}

static void test_values(void) {
  int64_t v;
  CHECK(lex_int_value("1_000", 5, &v) && v == 1000, "1_000");
  CHECK(lex_int_value("0x1F", 4, &v) && v == 31, "0x1F");
  CHECK(lex_int_value("0b101", 5, &v) && v == 5, "0b101");
  CHECK(lex_int_value("0o17", 4, &v) && v == 15, "0o17");
  CHECK(lex_int_value("007", 3, &v) && v == 7, "007");
  CHECK(lex_int_value("9223372036854775807", 19, &v) && v == INT64_MAX, "max");
  CHECK(!lex_int_value("9223372036854775808", 19, &v), "max+1 overflows");
  CHECK(!lex_int_value("0x8000000000000000", 18, &v), "hex overflow");
  CHECK(lex_float_value("1.5", 3) == 1.5, "1.5");
  CHECK(lex_float_value("1e10", 4) == 1e10, "1e10");
  CHECK(lex_float_value("2E-3", 4) == 2e-3, "2E-3");
  CHECK(lex_float_value("1_000.25", 8) == 1000.25, "1_000.25");
  CHECK(lex_float_value("1e999", 5) > 1e308, "inf");
  uint32_t n;
  Arena a;
  arena_init(&a);
  const char *raw = "a\\nb\\t\\\\\\\"\\$\\{\\x\\0z\\";
  char *d = lex_decode_string(&a, raw, (uint32_t)strlen(raw), &n);
  CHECK(n == 12 && memcmp(d, "a\nb\t\\\"${x\0z\\", 12) == 0, "escapes decoded (%u)", n);
  arena_free(&a);
}

static void test_diagnostics(void) {
  const char *d;
  d = diags_of("0x", 2);
  CHECK(strstr(d, "\"P0001\"") && strstr(d, "0x"), "0x without digits: %s", d);
  d = diags_of("0b", 2);
  CHECK(strstr(d, "P0001"), "0b without digits: %s", d);
  d = diags_of("9223372036854775808", 19);
  CHECK(strstr(d, "too large"), "overflow: %s", d);
  d = diags_of("9223372036854775807", 19);
  CHECK(d[0] == 0, "max int is fine: %s", d);
  d = diags_of("\"abc", 4);
  CHECK(strstr(d, "Parse error: unterminated string") && strstr(d, "\"start\":0,\"end\":1"),
        "unterminated string: %s", d);
  d = diags_of("\"\"\"abc\"\"", 8);
  CHECK(strstr(d, "unterminated string"), "unterminated triple string: %s", d);
  d = diags_of("#= open #= inner =# ", 20);
  CHECK(strstr(d, "unterminated block comment"), "unterminated comment: %s", d);
  d = diags_of("1e+", 3);
  CHECK(strstr(d, "exponent"), "empty exponent: %s", d);
  d = diags_of("# caf\xff\n", 7);
  CHECK(strstr(d, "invalid UTF-8") && strstr(d, "\"start\":5"), "invalid UTF-8 in a comment: %s",
        d);
  d = diags_of("#= \xc3\xa9 ok =#", 11);
  CHECK(d[0] == 0, "valid UTF-8 in a block comment: %s", d);
  d = diags_of("let x = \"ok ${1}\" # fine\n", 25);
  CHECK(d[0] == 0, "no diagnostics for valid input: %s", d);
}

static void test_lossless_handwritten(void) {
  static const char *samples[] = {
      "",
      "\n\n\r\n\r",
      "fn main() do\n  println(\"hi ${name}\")\nend\n",
      "\"a ${f(\"b ${x + {1}}\")} c\"",
      "\"unterminated ${ x",
      "#= never closed",
      "0x 0b2 1e+ 99999999999999999999 1__0",
      "@$`\\^~'&\x01\x7f",
      "\"\"\"triple \\\"\"\" inside\"\"\" after",
      "}}} {{{ ${ } \" }",
      "\xef\xbb\xbf# bom then comment",
  };
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    int n;
    CHECK(lossless(samples[i], strlen(samples[i]), &n), "lossless sample %zu", i);
  }
  /* NUL bytes inside and outside strings */
  const char nul[] = "a\0b \"x\0y\" \0";
  CHECK(lossless(nul, sizeof nul - 1, NULL), "lossless with NUL bytes");
}

static void test_lossless_random(void) {
  unsigned seed = 12345;
  static const char alphabet[] = "abcXYZ019_ \t\n\r\"$\\{}()[]#=|<>-+.:;,%!?@&'`~^*/";
  char buf[512];
  int bad = 0;
  for (int iter = 0; iter < 3000; iter++) {
    seed = seed * 1103515245u + 12345u;
    size_t len = (seed >> 16) % sizeof buf;
    for (size_t i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 16;
      buf[i] = (iter % 3 == 0) ? (char)(r & 0xff) : alphabet[r % (sizeof alphabet - 1)];
    }
    if (!lossless(buf, len, NULL)) bad++;
  }
  CHECK(bad == 0, "%d random inputs were not lexed losslessly", bad);
}

/* Walks a directory tree for .snow files. */
static int nfiles_checked;
static void lossless_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      lossless_tree(path);
      continue;
    }
    size_t nl = strlen(e->d_name);
    if (nl < 5 || strcmp(e->d_name + nl - 5, ".snow") != 0) continue;
    FILE *fp = fopen(path, "rb");
    if (!fp) continue;
    char *text = malloc((size_t)st.st_size + 1);
    size_t len = fread(text, 1, (size_t)st.st_size, fp);
    fclose(fp);
    CHECK(lossless(text, len, NULL), "lossless: %s", path);
    nfiles_checked++;
    free(text);
  }
  closedir(d);
}

/* Positions: lines end at LF, CRLF or CR; columns count characters. */
static void test_source_positions(void) {
  Arena a;
  arena_init(&a);
  const char *text = "ab\rc\xc3\xa9"
                     "d\r\n\nx";
  SourceFile *f = source_from_bytes(&a, "p.snow", text, strlen(text));
  int line, col;
  CHECK(f->nlines == 4, "4 lines, got %d", f->nlines);
  source_position(f, 1, &line, &col);
  CHECK(line == 1 && col == 2, "b at 1:2, got %d:%d", line, col);
  source_position(f, 6, &line, &col);
  CHECK(line == 2 && col == 3, "d at 2:3 (é is one column), got %d:%d", line, col);
  source_position(f, 10, &line, &col);
  CHECK(line == 4 && col == 1, "x at 4:1, got %d:%d", line, col);
  source_position(f, 11, &line, &col);
  CHECK(line == 4 && col == 2, "end of file at 4:2, got %d:%d", line, col);
  uint32_t s, e;
  source_line_range(f, 1, &s, &e);
  CHECK(s == 0 && e == 2, "line 1 range %u..%u", s, e);
  source_line_range(f, 2, &s, &e);
  CHECK(s == 3 && e == 7, "line 2 range %u..%u (CRLF excluded)", s, e);
  source_line_range(f, 3, &s, &e);
  CHECK(s == 9 && e == 9, "line 3 is empty: %u..%u", s, e);
  source_line_range(f, 4, &s, &e);
  CHECK(s == 10 && e == 11, "last line without terminator: %u..%u", s, e);
  arena_free(&a);
}

int main(void) {
  test_source_positions();
  test_kinds();
  test_values();
  test_diagnostics();
  test_lossless_handwritten();
  test_lossless_random();
  lossless_tree("tests");
  lossless_tree("examples");
  CHECK(nfiles_checked > 0,
        "found .snow files under tests/ and examples/ (run from the repo root)");
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
