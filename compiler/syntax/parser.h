/* parser.h — tokens to the syntax tree (ast.h).
 *
 * Contract: parse_module() lexes and parses one file, reporting every syntax
 * error it finds (recovering at statement/item boundaries) through `dc`,
 * and returns a Module whose `has_parse_errors` tells whether any was
 * reported. It never crashes or recurses without bound: nesting deeper than
 * PARSER_MAX_DEPTH is reported as a parse error. ast_dump() prints the tree
 * (used by `snowc build --dump-ast` and the parser tests). */
#ifndef SNOW_PARSER_H
#define SNOW_PARSER_H

#include <stdio.h>

#include "../diag/diag.h"
#include "ast.h"

#define PARSER_MAX_DEPTH 1000
/* Bound on the depth of an expression tree, counting each operator of a
 * chain `a + b + ...` as one level (the driver's compiler stack is sized for
 * it: compiler/driver/bigstack.h). */
#define PARSER_MAX_TREE_DEPTH 100000

Module *parse_module(Arena *a, DiagContext *dc, SourceFile *f);
void ast_dump(FILE *out, const Module *m);

#endif
