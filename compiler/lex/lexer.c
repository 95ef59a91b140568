/* lexer.c — see lexer.h. A single pass over the bytes with an explicit mode
 * stack (code / string / interpolation) so that arbitrarily nested
 * interpolated strings never recurse on the C stack. Every byte ends up in
 * exactly one token; problems become diagnostics plus TK_ERROR tokens or
 * zero-length closing tokens (unterminated strings). */
#include "lexer.h"

#include <stdlib.h>
#include <string.h>

#include "../diag/utf8.h"
#include "../util/vec.h"

typedef enum ModeKind { MODE_STRING, MODE_INTERP } ModeKind;

typedef struct Mode {
  ModeKind kind;
  bool triple;     /* MODE_STRING: `"""` string */
  int brace_depth; /* MODE_INTERP: unbalanced `{` inside the interpolation */
  uint32_t start;  /* offset of the opening `"` / `${` */
} Mode;

typedef struct Lexer {
  Arena *arena;
  DiagContext *dc;
  const SourceFile *f;
  const unsigned char *s;
  uint32_t len, pos;
  VEC(Token) toks;
  VEC(Mode) modes;
} Lexer;

static void emit(Lexer *lx, TokenKind k, uint32_t start, uint32_t end) {
  Token t = {k, start, end - start};
  VEC_PUSH(lx->arena, lx->toks, t);
}

static bool is_digit(unsigned c) {
  return c >= '0' && c <= '9';
}
static bool is_ascii_letter(unsigned c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Non-ASCII scalar values accepted in identifiers: letters and digits of any
 * script. Without Unicode tables we exclude the blocks that hold spaces,
 * punctuation and symbols, which is what matters for tokenisation. */
bool lex_is_ident_codepoint(uint32_t cp) {
  if (cp < 0x80) return is_ascii_letter(cp) || is_digit(cp) || cp == '_';
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA; /* ª µ º */
  if (cp == 0xD7 || cp == 0xF7) return false;                   /* × ÷ */
  if (cp >= 0x2000 && cp <= 0x2BFF) return false; /* punctuation, symbols, arrows, ... */
  if (cp >= 0x3000 && cp <= 0x303F) return false; /* CJK punctuation */
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false; /* variation selectors */
  if (cp == 0xFEFF || (cp >= 0xFFF0 && cp <= 0xFFFF)) return false;
  if (cp >= 0xE000 && cp <= 0xF8FF) return false;   /* private use */
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false; /* emoji and pictographs */
  return true;
}

/* Length of the identifier character at pos, or 0. */
static uint32_t ident_char(Lexer *lx, uint32_t pos, bool first) {
  if (pos >= lx->len) return 0;
  unsigned c = lx->s[pos];
  if (c < 0x80) {
    if (is_ascii_letter(c) || c == '_' || (!first && is_digit(c))) return 1;
    return 0;
  }
  uint32_t cp;
  size_t n = utf8_decode(lx->s + pos, lx->len - pos, &cp);
  if (!n || !lex_is_ident_codepoint(cp)) return 0;
  return (uint32_t)n;
}

static const struct {
  const char *text;
  TokenKind kind;
} keywords[] = {
#define X(name, text) {text, TK_KW_##name},
    SNOW_KEYWORDS(X)
#undef X
};

static TokenKind keyword_kind(const unsigned char *s, uint32_t n) {
  for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
    if (strlen(keywords[i].text) == n && memcmp(keywords[i].text, s, n) == 0)
      return keywords[i].kind;
  }
  return TK_IDENT;
}

static void lex_error(Lexer *lx, uint32_t start, uint32_t end, const char *msg) {
  diag_parse_error(lx->dc, lx->f, span_make(start, end), "%s", msg);
}

/* ---------------------------------------------------------------- numbers */

static bool is_radix_digit(unsigned c, int radix) {
  if (radix == 16) return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  if (radix == 8) return c >= '0' && c <= '7';
  if (radix == 2) return c == '0' || c == '1';
  return is_digit(c);
}

static void lex_number(Lexer *lx) {
  uint32_t start = lx->pos, p = lx->pos;
  const unsigned char *s = lx->s;
  if (s[p] == '0' && p + 1 < lx->len &&
      (s[p + 1] == 'x' || s[p + 1] == 'X' || s[p + 1] == 'b' || s[p + 1] == 'B' ||
       s[p + 1] == 'o' || s[p + 1] == 'O')) {
    unsigned r = s[p + 1] | 0x20;
    int radix = r == 'x' ? 16 : r == 'b' ? 2 : 8;
    p += 2;
    int digits = 0;
    while (p < lx->len && (is_radix_digit(s[p], radix) || s[p] == '_')) {
      if (s[p] != '_') digits++;
      p++;
    }
    /* swallow stray alphanumerics (0x1g, 0b102) into the literal so the error is one token */
    bool bad = false;
    while (p < lx->len && (is_digit(s[p]) || is_ascii_letter(s[p])))
      p++, bad = true;
    emit(lx, TK_INT, start, p);
    lx->pos = p;
    if (!digits) {
      lex_error(lx, start, p,
                radix == 16  ? "expected hexadecimal digits after `0x`"
                : radix == 2 ? "expected binary digits after `0b`"
                             : "expected octal digits after `0o`");
    } else if (bad) {
      lex_error(lx, start, p, "invalid digit in integer literal");
    } else {
      int64_t v;
      if (!lex_int_value((const char *)s + start, p - start, &v))
        lex_error(lx, start, p, "integer literal is too large (maximum 9223372036854775807)");
    }
    return;
  }
  while (p < lx->len && (is_digit(s[p]) || s[p] == '_'))
    p++;
  bool is_float = false;
  if (p + 1 < lx->len && s[p] == '.' && is_digit(s[p + 1])) {
    is_float = true;
    p++;
    while (p < lx->len && (is_digit(s[p]) || s[p] == '_'))
      p++;
  }
  if (p < lx->len && (s[p] == 'e' || s[p] == 'E')) {
    uint32_t q = p + 1;
    if (q < lx->len && (s[q] == '+' || s[q] == '-')) q++;
    bool explicit_exp = q > p + 1 || (q < lx->len && (is_digit(s[q]) || s[q] == '_'));
    if (explicit_exp) {
      int digits = 0;
      while (q < lx->len && (is_digit(s[q]) || s[q] == '_')) {
        if (s[q] != '_') digits++;
        q++;
      }
      if (digits || q > p + 1) {
        is_float = true;
        p = q;
        if (!digits) {
          emit(lx, TK_FLOAT, start, p);
          lx->pos = p;
          lex_error(lx, start, p, "float exponent must contain at least one digit");
          return;
        }
      }
    }
  }
  emit(lx, is_float ? TK_FLOAT : TK_INT, start, p);
  lx->pos = p;
  if (!is_float) {
    int64_t v;
    if (!lex_int_value((const char *)s + start, p - start, &v))
      lex_error(lx, start, p, "integer literal is too large (maximum 9223372036854775807)");
  }
}

bool lex_int_value(const char *text, uint32_t len, int64_t *out) {
  int radix = 10;
  uint32_t i = 0;
  if (len >= 2 && text[0] == '0') {
    char r = (char)(text[1] | 0x20);
    if (r == 'x')
      radix = 16, i = 2;
    else if (r == 'b')
      radix = 2, i = 2;
    else if (r == 'o')
      radix = 8, i = 2;
  }
  uint64_t v = 0;
  bool ok = true;
  for (; i < len; i++) {
    unsigned c = (unsigned char)text[i];
    if (c == '_') continue;
    unsigned d;
    if (is_digit(c))
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else {
      ok = false;
      break;
    }
    if ((int)d >= radix) {
      ok = false;
      break;
    }
    if (v > (UINT64_C(9223372036854775807) - d) / (uint64_t)radix) {
      ok = false;
      v = UINT64_C(9223372036854775807);
      break;
    }
    v = v * (uint64_t)radix + d;
  }
  *out = (int64_t)v;
  return ok;
}

double lex_float_value(const char *text, uint32_t len) {
  char buf[128];
  char *big = NULL;
  char *d = buf;
  if (len + 1 > sizeof buf) {
    big = malloc(len + 1);
    if (!big) return 0.0;
    d = big;
  }
  uint32_t n = 0;
  for (uint32_t i = 0; i < len; i++)
    if (text[i] != '_') d[n++] = text[i];
  d[n] = 0;
  double v = strtod(d, NULL); /* correctly rounded, overflow gives inf */
  free(big);
  return v;
}

/* ---------------------------------------------------------------- strings */

/* Lexes inside a string literal (top mode is MODE_STRING) up to and
 * including the next boundary: closing quote, `${`, or end of file. */
static void lex_string_part(Lexer *lx) {
  Mode *m = &VEC_LAST(lx->modes);
  const unsigned char *s = lx->s;
  uint32_t p = lx->pos, text_start = p;
  for (;;) {
    if (p >= lx->len) {
      if (p > text_start) emit(lx, TK_STR_TEXT, text_start, p);
      lex_error(lx, m->start, m->start + (m->triple ? 3 : 1), "unterminated string");
      emit(lx, TK_STR_END, p, p); /* zero-length: keeps the composite well formed */
      lx->modes.len--;
      lx->pos = p;
      return;
    }
    unsigned c = s[p];
    if (c == '\\') {
      p++;
      if (p < lx->len) {
        if (s[p] == '\r' && p + 1 < lx->len && s[p + 1] == '\n') {
          p += 2;
        } else {
          size_t n = utf8_decode(s + p, lx->len - p, NULL);
          if (n) {
            p += (uint32_t)n;
          } else { /* the invalid byte is handled by the next iteration */
          }
        }
      }
      continue;
    }
    if (c == '"' && (!m->triple || (p + 2 < lx->len && s[p + 1] == '"' && s[p + 2] == '"'))) {
      /* a triple-quoted string ends at the FIRST unescaped `"""` (§2.11): a
       * quote right before the closing delimiter must be written `\"` */
      if (p > text_start) emit(lx, TK_STR_TEXT, text_start, p);
      uint32_t e = p + (m->triple ? 3 : 1);
      emit(lx, TK_STR_END, p, e);
      lx->modes.len--;
      lx->pos = e;
      return;
    }
    if (c == '$' && p + 1 < lx->len && s[p + 1] == '{') {
      if (p > text_start) emit(lx, TK_STR_TEXT, text_start, p);
      emit(lx, TK_INTERP_START, p, p + 2);
      Mode im = {MODE_INTERP, false, 0, p};
      VEC_PUSH(lx->arena, lx->modes, im);
      lx->pos = p + 2;
      return;
    }
    if (c == 0 || (c >= 0x80 && !utf8_decode(s + p, lx->len - p, NULL))) {
      if (p > text_start) emit(lx, TK_STR_TEXT, text_start, p);
      emit(lx, TK_ERROR, p, p + 1);
      p++;
      text_start = p;
      continue;
    }
    if (c >= 0x80) {
      p += (uint32_t)utf8_decode(s + p, lx->len - p, NULL);
    } else {
      p++;
    }
  }
}

char *lex_decode_string(Arena *a, const char *text, uint32_t len, uint32_t *out_len) {
  char *d = arena_alloc(a, (size_t)len + 1);
  uint32_t n = 0;
  for (uint32_t i = 0; i < len; i++) {
    char c = text[i];
    if (c != '\\' || i + 1 >= len) { /* a lone trailing backslash stays */
      d[n++] = c;
      continue;
    }
    char e = text[++i];
    switch (e) {
    case 'n':
      d[n++] = '\n';
      break;
    case 't':
      d[n++] = '\t';
      break;
    case 'r':
      d[n++] = '\r';
      break;
    case '0':
      d[n++] = '\0';
      break;
    default:
      d[n++] = e;
      break; /* \\ \" \$ \{ and any other: the character itself */
    }
  }
  d[n] = 0;
  *out_len = n;
  return d;
}

/* ---------------------------------------------------------------- code */

/* Comments are trivia but still source text: a file must be valid UTF-8
 * (language.md §2.1). Reports the first bad byte of a comment. */
static void check_comment_text(Lexer *lx, uint32_t start, uint32_t end) {
  uint32_t p = start;
  while (p < end) {
    unsigned c = lx->s[p];
    if (c == 0) {
      lex_error(lx, p, p + 1, "unexpected NUL byte in source");
      return;
    }
    if (c < 0x80) {
      p++;
      continue;
    }
    size_t n = utf8_decode(lx->s + p, end - p, NULL);
    if (!n) {
      lex_error(lx, p, p + 1, "invalid UTF-8 in source");
      return;
    }
    p += (uint32_t)n;
  }
}

static void lex_comment(Lexer *lx) {
  const unsigned char *s = lx->s;
  uint32_t start = lx->pos, p = lx->pos;
  if (p + 1 < lx->len && s[p + 1] == '=') {
    int depth = 1;
    p += 2;
    while (p < lx->len && depth > 0) {
      if (s[p] == '#' && p + 1 < lx->len && s[p + 1] == '=') {
        depth++;
        p += 2;
      } else if (s[p] == '=' && p + 1 < lx->len && s[p + 1] == '#') {
        depth--;
        p += 2;
      } else {
        p++;
      }
    }
    emit(lx, TK_COMMENT, start, p);
    lx->pos = p;
    if (depth > 0) lex_error(lx, start, start + 2, "unterminated block comment");
    check_comment_text(lx, start, p);
    return;
  }
  while (p < lx->len && s[p] != '\n' && s[p] != '\r')
    p++;
  emit(lx, TK_COMMENT, start, p);
  lx->pos = p;
  check_comment_text(lx, start, p);
}

/* Operator tokens, longest first within each leading character. */
static const struct {
  const char *text;
  TokenKind kind;
} operators[] = {
    {"|>", TK_PIPE_GT},    {"||", TK_OROR},      {"|", TK_BAR},     {"&&", TK_ANDAND},
    {"==", TK_EQEQ},       {"=>", TK_FAT_ARROW}, {"=", TK_EQ},      {"!=", TK_NE},
    {"!", TK_BANG},        {"<=", TK_LE},        {"<>", TK_CONCAT}, {"<", TK_LT},
    {">=", TK_GE},         {">", TK_GT},         {"->", TK_ARROW},  {"-", TK_MINUS},
    {"++", TK_PLUSPLUS},   {"+", TK_PLUS},       {"..", TK_DOTDOT}, {".", TK_DOT},
    {"::", TK_COLONCOLON}, {":", TK_COLON},      {"*", TK_STAR},    {"/", TK_SLASH},
    {"%", TK_PERCENT},     {"?", TK_QUESTION},   {"(", TK_LPAREN},  {")", TK_RPAREN},
    {"[", TK_LBRACKET},    {"]", TK_RBRACKET},   {"{", TK_LBRACE},  {"}", TK_RBRACE},
    {",", TK_COMMA},       {";", TK_SEMI},
};

static void lex_code_token(Lexer *lx) {
  const unsigned char *s = lx->s;
  uint32_t p = lx->pos;
  unsigned c = s[p];
  if (c == ' ' || c == '\t') {
    while (p < lx->len && (s[p] == ' ' || s[p] == '\t'))
      p++;
    emit(lx, TK_SPACE, lx->pos, p);
    lx->pos = p;
    return;
  }
  if (c == '\n' || c == '\r') {
    uint32_t e = p + 1;
    if (c == '\r' && e < lx->len && s[e] == '\n') e++;
    emit(lx, TK_NEWLINE, p, e);
    lx->pos = e;
    return;
  }
  if (c == '#') {
    lex_comment(lx);
    return;
  }
  if (c == '"') {
    bool triple = p + 2 < lx->len && s[p + 1] == '"' && s[p + 2] == '"';
    uint32_t e = p + (triple ? 3 : 1);
    emit(lx, TK_STR_START, p, e);
    Mode m = {MODE_STRING, triple, 0, p};
    VEC_PUSH(lx->arena, lx->modes, m);
    lx->pos = e;
    return;
  }
  if (is_digit(c)) {
    lex_number(lx);
    return;
  }
  if (ident_char(lx, p, true)) {
    uint32_t n;
    while ((n = ident_char(lx, p, p == lx->pos)) != 0)
      p += n;
    TokenKind k = keyword_kind(s + lx->pos, p - lx->pos);
    emit(lx, k, lx->pos, p);
    lx->pos = p;
    return;
  }
  if (c == '{' || c == '}') {
    Mode *top = lx->modes.len ? &VEC_LAST(lx->modes) : NULL;
    if (top && top->kind == MODE_INTERP) {
      if (c == '{') {
        top->brace_depth++;
      } else if (top->brace_depth == 0) {
        emit(lx, TK_INTERP_END, p, p + 1);
        lx->modes.len--;
        lx->pos = p + 1;
        return;
      } else {
        top->brace_depth--;
      }
    }
  }
  for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++) {
    size_t n = strlen(operators[i].text);
    if (p + n <= lx->len && memcmp(s + p, operators[i].text, n) == 0) {
      emit(lx, operators[i].kind, p, p + (uint32_t)n);
      lx->pos = p + (uint32_t)n;
      return;
    }
  }
  /* a character that cannot start a token: one TK_ERROR per scalar value
   * (per byte for invalid UTF-8); the parser reports it */
  size_t n = c >= 0x80 ? utf8_decode(s + p, lx->len - p, NULL) : 1;
  if (!n) n = 1;
  emit(lx, TK_ERROR, p, p + (uint32_t)n);
  lx->pos = p + (uint32_t)n;
}

int lex_file(Arena *a, DiagContext *dc, const SourceFile *f, Token **out) {
  Lexer lx;
  memset(&lx, 0, sizeof lx);
  lx.arena = a;
  lx.dc = dc;
  lx.f = f;
  lx.s = (const unsigned char *)f->text;
  lx.len = (uint32_t)f->len;
  if (lx.len >= 3 && lx.s[0] == 0xEF && lx.s[1] == 0xBB && lx.s[2] == 0xBF) {
    emit(&lx, TK_BOM, 0, 3);
    lx.pos = 3;
  }
  while (lx.pos < lx.len) {
    if (lx.modes.len && VEC_LAST(lx.modes).kind == MODE_STRING)
      lex_string_part(&lx);
    else
      lex_code_token(&lx);
  }
  /* close whatever is still open at end of file */
  while (lx.modes.len) {
    Mode m = VEC_LAST(lx.modes);
    if (m.kind == MODE_STRING) {
      lex_string_part(&lx); /* reports `unterminated string`, pops */
    } else {
      emit(&lx, TK_INTERP_END, lx.len, lx.len);
      lx.modes.len--;
    }
  }
  emit(&lx, TK_EOF, lx.len, lx.len);
  *out = lx.toks.items;
  return lx.toks.len;
}

const char *token_kind_name(TokenKind k) {
  switch (k) {
  case TK_SPACE:
    return "whitespace";
  case TK_COMMENT:
    return "comment";
  case TK_BOM:
    return "byte-order mark";
  case TK_NEWLINE:
    return "newline";
  case TK_IDENT:
    return "identifier";
  case TK_INT:
    return "integer literal";
  case TK_FLOAT:
    return "float literal";
  case TK_STR_START:
    return "string";
  case TK_STR_TEXT:
    return "string text";
  case TK_INTERP_START:
    return "`${`";
  case TK_INTERP_END:
    return "`}`";
  case TK_STR_END:
    return "end of string";
#define X(name, text)                                                                              \
  case TK_KW_##name:                                                                               \
    return "`" text "`";
    SNOW_KEYWORDS(X)
#undef X
  case TK_PLUS:
    return "`+`";
  case TK_MINUS:
    return "`-`";
  case TK_STAR:
    return "`*`";
  case TK_SLASH:
    return "`/`";
  case TK_PERCENT:
    return "`%`";
  case TK_EQEQ:
    return "`==`";
  case TK_NE:
    return "`!=`";
  case TK_LT:
    return "`<`";
  case TK_GT:
    return "`>`";
  case TK_LE:
    return "`<=`";
  case TK_GE:
    return "`>=`";
  case TK_ANDAND:
    return "`&&`";
  case TK_OROR:
    return "`||`";
  case TK_BANG:
    return "`!`";
  case TK_PIPE_GT:
    return "`|>`";
  case TK_DOTDOT:
    return "`..`";
  case TK_CONCAT:
    return "`<>`";
  case TK_PLUSPLUS:
    return "`++`";
  case TK_EQ:
    return "`=`";
  case TK_ARROW:
    return "`->`";
  case TK_FAT_ARROW:
    return "`=>`";
  case TK_COLONCOLON:
    return "`::`";
  case TK_QUESTION:
    return "`?`";
  case TK_BAR:
    return "`|`";
  case TK_LPAREN:
    return "`(`";
  case TK_RPAREN:
    return "`)`";
  case TK_LBRACKET:
    return "`[`";
  case TK_RBRACKET:
    return "`]`";
  case TK_LBRACE:
    return "`{`";
  case TK_RBRACE:
    return "`}`";
  case TK_COMMA:
    return "`,`";
  case TK_DOT:
    return "`.`";
  case TK_COLON:
    return "`:`";
  case TK_SEMI:
    return "`;`";
  case TK_ERROR:
    return "invalid character";
  case TK_EOF:
    return "end of file";
  case TK__COUNT:
    break;
  }
  return "token";
}
