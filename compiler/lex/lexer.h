/* lexer.h — source bytes to tokens (token.h).
 *
 * Contract: lex_file() tokenises the whole file, always succeeding, so that
 * the token stream covers every byte (losslessness, token.h). Unterminated
 * strings and block comments, bad number literals (`0x` without digits,
 * empty exponents, values above the Int range) and invalid UTF-8 / NUL bytes
 * inside comments are reported through `dc` as parse errors; an unterminated
 * string is closed by zero-length TK_INTERP_END/TK_STR_END tokens. A
 * character that cannot start a token (stray `@ $ \` ...`, invalid UTF-8,
 * NUL, whitespace other than space/tab) becomes a TK_ERROR token that the
 * parser reports (language.md §2.2, §8.5). Returns the token count; *out is
 * allocated in `a` and ends with TK_EOF.
 * Literal helpers give the parser the values of INT, FLOAT and string-text
 * tokens. */
#ifndef SNOW_LEXER_H
#define SNOW_LEXER_H

#include "../diag/diag.h"
#include "token.h"

#include <stdbool.h>
#include <stdint.h>

int lex_file(Arena *a, DiagContext *dc, const SourceFile *f, Token **out);

/* Value of an INT token's text (decimal, 0x, 0b, 0o; underscores ignored).
 * Returns false (and stores a clamped value) when it exceeds the Int range
 * or is malformed; the lexer has already reported that. */
bool lex_int_value(const char *text, uint32_t len, int64_t *out);
/* Value of a FLOAT token's text (nearest binary64; too large gives inf). */
double lex_float_value(const char *text, uint32_t len);
/* Decodes the escapes of a TK_STR_TEXT segment (language.md §2.11) into a
 * new arena string; *out_len receives its byte length (NULs allowed). */
char *lex_decode_string(Arena *a, const char *text, uint32_t len, uint32_t *out_len);
/* Whether a scalar value may appear in an identifier (after the first
 * character, which must additionally not be a digit). */
bool lex_is_ident_codepoint(uint32_t cp);

#endif
