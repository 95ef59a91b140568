/* token.h — token kinds and the token record.
 *
 * Contract: the lexer turns a whole file into an array of Tokens that covers
 * every byte of the file exactly once, in order: concatenating
 * text[tok.start, tok.start+tok.len) over all tokens (trivia included)
 * reproduces the file byte for byte. Trivia tokens (TK_SPACE, TK_COMMENT,
 * TK_BOM) are skipped by the parser; TK_NEWLINE is significant at nesting
 * depth zero (language.md §2.3). A string literal is a composite sequence:
 * TK_STR_START, then any number of TK_STR_TEXT / (TK_INTERP_START <expression
 * tokens> TK_INTERP_END), then TK_STR_END. The last token is TK_EOF (len 0). */
#ifndef SNOW_TOKEN_H
#define SNOW_TOKEN_H

#include <stdint.h>

#define SNOW_KEYWORDS(X)                                                                    \
  X(ACTOR, "actor") X(AFTER, "after") X(ALIAS, "alias") X(AND, "and") X(BREAK, "break")    \
  X(CALL, "call") X(CASE, "case") X(CAST, "cast") X(COND, "cond") X(CONTINUE, "continue")  \
  X(DEF, "def") X(DO, "do") X(ELSE, "else") X(END, "end") X(FALSE, "false") X(FN, "fn")    \
  X(FOR, "for") X(IF, "if") X(IMPL, "impl") X(IMPORT, "import") X(IN, "in")                \
  X(INTERFACE, "interface") X(LET, "let") X(LINK, "link") X(MATCH, "match")                \
  X(MODULE, "module") X(MONITOR, "monitor") X(NIL, "nil") X(NOT, "not") X(OR, "or")        \
  X(PUB, "pub") X(RECEIVE, "receive") X(RETURN, "return") X(SELF, "self") X(SEND, "send")  \
  X(SERVICE, "service") X(SPAWN, "spawn") X(STRUCT, "struct")                              \
  X(SUPERVISOR, "supervisor") X(TERMINATE, "terminate") X(TRAIT, "trait") X(TRAP, "trap")  \
  X(TRUE, "true") X(TYPE, "type") X(WHEN, "when") X(WHERE, "where") X(WHILE, "while")      \
  X(WITH, "with")

typedef enum TokenKind {
  /* trivia */
  TK_SPACE,   /* spaces and tabs */
  TK_COMMENT, /* # ..., ## ..., ##! ..., #= ... =# */
  TK_BOM,
  /* significant */
  TK_NEWLINE,
  TK_IDENT,
  TK_INT,
  TK_FLOAT,
  TK_STR_START,   /* " or """ */
  TK_STR_TEXT,    /* literal segment, escapes still raw */
  TK_INTERP_START,/* ${ */
  TK_INTERP_END,  /* } closing an interpolation */
  TK_STR_END,     /* closing " or """ */
#define X(name, text) TK_KW_##name,
  SNOW_KEYWORDS(X)
#undef X
  /* operators and punctuation */
  TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_PERCENT,
  TK_EQEQ, TK_NE, TK_LT, TK_GT, TK_LE, TK_GE,
  TK_ANDAND, TK_OROR, TK_BANG, TK_PIPE_GT, TK_DOTDOT, TK_CONCAT /* <> */, TK_PLUSPLUS,
  TK_EQ, TK_ARROW, TK_FAT_ARROW, TK_COLONCOLON, TK_QUESTION, TK_BAR,
  TK_LPAREN, TK_RPAREN, TK_LBRACKET, TK_RBRACKET, TK_LBRACE, TK_RBRACE,
  TK_COMMA, TK_DOT, TK_COLON, TK_SEMI,
  TK_ERROR, /* a character that cannot start a token, invalid UTF-8, etc. */
  TK_EOF,
  TK__COUNT
} TokenKind;

typedef struct Token {
  TokenKind kind;
  uint32_t start; /* byte offset */
  uint32_t len;   /* bytes */
} Token;

const char *token_kind_name(TokenKind k); /* "identifier", "`end`", "`(`", ... */
static inline int token_is_trivia(TokenKind k) {
  return k == TK_SPACE || k == TK_COMMENT || k == TK_BOM;
}

#endif
