/* test_parser.c — the parser: precedence, newline rules, closures, every
 * construct of language.md §4, fn clause grouping, spans, error messages and
 * recovery (several errors per file, in source order), and robustness
 * (deep nesting, garbage, huge and empty files). Trees are compared through
 * ast_dump() squeezed onto one line. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../../compiler/lex/token.h"
#include "../../compiler/syntax/parser.h"

#include "unit.h"

typedef struct Parsed {
  Arena arena;
  Module *m;
  char *dump;  /* squeezed ast_dump */
  char *diags; /* JSON lines */
  int errors;
} Parsed;

/* Joins the dump's lines with single spaces and drops the space before `)`. */
static char *squeeze(const char *s) {
  char *out = malloc(strlen(s) + 1);
  size_t w = 0;
  bool pending_space = false;
  for (const char *p = s; *p; p++) {
    if (*p == '\n' || (*p == ' ' && (p == s || p[-1] == '\n' || p[-1] == ' '))) {
      pending_space = w > 0;
      continue;
    }
    if (pending_space && *p != ')') out[w++] = ' ';
    pending_space = false;
    out[w++] = *p;
  }
  out[w] = 0;
  return out;
}

static void parse_src(Parsed *r, const char *src, size_t len) {
  arena_init(&r->arena);
  char *dtext = NULL;
  size_t dlen = 0;
  FILE *dout = open_memstream(&dtext, &dlen);
  DiagContext dc;
  diag_init(&dc, &r->arena, true, false, dout);
  SourceFile *f = source_from_bytes(&r->arena, "t.snow", src, len);
  r->m = parse_module(&r->arena, &dc, f);
  r->errors = dc.error_count;
  diag_flush(&dc);
  fclose(dout);
  r->diags = dtext;
  char *atext = NULL;
  size_t alen = 0;
  FILE *aout = open_memstream(&atext, &alen);
  ast_dump(aout, r->m);
  fclose(aout);
  r->dump = squeeze(atext);
  free(atext);
}

static void parsed_free(Parsed *r) {
  free(r->dump);
  free(r->diags);
  arena_free(&r->arena);
}

/* The squeezed dump of a module, without the `(module ? ` wrapper. */
static char *tree_of(const char *src, int *errors, char **diags) {
  Parsed r;
  parse_src(&r, src, strlen(src));
  const char *body = r.dump;
  if (strncmp(body, "(module ? ", 10) == 0)
    body += 10;
  else if (strncmp(body, "(module ?", 9) == 0)
    body += 9;
  char *t = strdup(body);
  size_t n = strlen(t);
  if (n && t[n - 1] == ')') t[n - 1] = 0;
  if (errors) *errors = r.errors;
  if (diags) *diags = strdup(r.diags ? r.diags : "");
  parsed_free(&r);
  return t;
}

static void check_tree(const char *src, const char *expected, int line) {
  int errors;
  char *diags;
  char *t = tree_of(src, &errors, &diags);
  if (errors == 0 && strcmp(t, expected) == 0) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "FAIL line %d: tree of [%s]\n  expected: %s\n  got:      %s\n%s", line, src,
            expected, t, diags);
  }
  free(t);
  free(diags);
}
#define TREE(src, exp) check_tree(src, exp, __LINE__)

/* Parses with errors expected; checks the count and that each fragment
 * occurs in the diagnostics in the given order. */
static void check_errors(const char *src, int nexpected, const char *frags[], int nfrags,
                         int line) {
  int errors;
  char *diags;
  char *t = tree_of(src, &errors, &diags);
  bool ok = errors == nexpected;
  const char *at = diags;
  for (int i = 0; ok && i < nfrags; i++) {
    const char *hit = strstr(at, frags[i]);
    if (!hit)
      ok = false;
    else
      at = hit + strlen(frags[i]);
  }
  if (ok) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "FAIL line %d: errors of [%s]: expected %d, got %d\n%s", line, src, nexpected,
            errors, diags);
  }
  free(t);
  free(diags);
}
#define ERRORS(src, n, ...)                                                                        \
  do {                                                                                             \
    const char *frags_[] = {__VA_ARGS__};                                                          \
    check_errors(src, n, frags_, (int)(sizeof frags_ / sizeof frags_[0]), __LINE__);               \
  } while (0)

/* ------------------------------------------------------------------ tests */

static void test_precedence(void) {
  TREE("1 + 2 * 3", "(binary + (int 1) (binary * (int 2) (int 3)))");
  TREE("a - b - c", "(binary - (binary - (name a) (name b)) (name c))");
  TREE("-a.b", "(unary - (field b (name a)))");
  TREE("-2 * 3", "(binary * (unary - (int 2)) (int 3))");
  TREE("not a == b", "(binary == (unary not (name a)) (name b))");
  TREE("!a && b", "(binary and (unary not (name a)) (name b))");
  TREE("0..n + 1", "(binary .. (int 0) (binary + (name n) (int 1)))");
  TREE("x |> f == y", "(binary |> (name x) (binary == (name f) (name y)))");
  TREE("a |> f |> g", "(binary |> (binary |> (name a) (name f)) (name g))");
  TREE("a or b and c", "(binary or (name a) (binary and (name b) (name c)))");
  TREE("a || b && c == d",
       "(binary or (name a) (binary and (name b) (binary == (name c) (name d))))");
  TREE("a < b == c > d", "(binary == (binary < (name a) (name b)) (binary > (name c) (name d)))");
  TREE("a <> b ++ c", "(binary ++ (binary <> (name a) (name b)) (name c))");
  TREE("a <> b + c", "(binary <> (name a) (binary + (name b) (name c)))");
  TREE("a % b / c", "(binary / (binary % (name a) (name b)) (name c))");
  TREE("a..b..c", "(binary .. (binary .. (name a) (name b)) (name c))");
  TREE("f(x)?.y", "(field y (try (call (name f) (name x))))");
  TREE("a.b.c(1, 2,)", "(call (field c (field b (name a))) (int 1) (int 2))");
  TREE("xs[0]", "(index (name xs) (int 0))");
  TREE("- - x", "(unary - (unary - (name x)))");
  TREE("Ws.send(c, t)", "(call (field send (name Ws)) (name c) (name t))");
}

static void test_primaries(void) {
  TREE("(1, 2)", "(tuple (int 1) (int 2))");
  TREE("(1,)", "(int 1)");
  TREE("(1)", "(int 1)");
  TREE("()", "(unit)");
  TREE("nil", "(unit)");
  TREE("true", "(bool true)");
  TREE("[1, 2,]", "(list (int 1) (int 2))");
  TREE("[]", "(list)");
  TREE("%{1 => 2, 3 => 4}", "(map (entry (int 1) (int 2)) (entry (int 3) (int 4)))");
  TREE("%{}", "(map)");
  TREE("Point { x: 1 y: 2 }", "(struct-lit Point (field-init x (int 1)) (field-init y (int 2)))");
  TREE("Point {\n x: 1,\n y: 2,\n}",
       "(struct-lit Point (field-init x (int 1)) (field-init y (int 2)))");
  TREE("1.5e3", "(float 1500)");
  TREE("0x_ff", "(int 255)");
  TREE("\"a${x}b\"", "(string \"a\" (interp (name x)) \"b\")");
  TREE("\"a\\nb\"", "(string \"a\\nb\")");
  TREE("\"\"", "(string)");
  TREE("self()", "(self-pid)");
  TREE("self", "(self)");
  TREE("spawn(f, 1)", "(spawn (name f) (int 1))");
  TREE("send(p, m)", "(send (name p) (name m))");
  TREE("link(p)", "(link (name p))");
  TREE("monitor(p)", "(monitor (name p))");
  TREE("break", "(break)");
  TREE("receive do after 200 -> 0 end", "(receive (after (int 200) (int 0)))");
  TREE("receive do end", "(receive)");
  TREE("receive do\n  n when n > 0 -> n\nafter 5 -> 0 end",
       "(receive (arm (pbind n) (guard (binary > (name n) (int 0))) (name n)) (after (int 5) (int "
       "0)))");
}

static void test_newlines(void) {
  ERRORS("let x = 1 +\n2", 1, "\"Parse error: expected expression\"", "\"start\":11");
  TREE("let x = (1 +\n2)", "(let (pbind x) (binary + (int 1) (int 2)))");
  TREE("f\n(x)", "(name f) (name x)");
  TREE("(f\n(x))", "(call (name f) (name x))");
  TREE("foo(1,\n  2)", "(call (name foo) (int 1) (int 2))");
  ERRORS("let x = a\n|> f", 1, "expected expression");
  TREE(
      "let total = (prices\n  |> map(fn p -> p * 2 end)\n  |> reduce(0, fn acc, p -> acc + p end))",
      "(let (pbind total) (binary |> (binary |> (name prices) (call (name map) (closure (clause "
      "(param (pbind p)) (binary * (name p) (int 2)))))) (call (name reduce) (int 0) (closure "
      "(clause (param (pbind acc)) (param (pbind p)) (binary + (name acc) (name p)))))))");
  /* statements need no separator when the next token cannot continue */
  TREE("fn f() do let a = 1 a end", "(fn f (clause (block (let (pbind a) (int 1)) (name a))))");
  TREE("a; b;; c", "(name a) (name b) (name c)");
  TREE("map(xs, fn x do\n  let y = x\n  y\nend)",
       "(call (name map) (name xs) (closure (clause (param (pbind x)) (block (let (pbind y) "
       "(name x)) (name y)))))");
  TREE("if a do x else if b do y else z end", "(if (name a) (block (name x)) (else (if (name b) "
                                              "(block (name y)) (else (block (name z))))))");
  TREE("if a do\n  x\nelse\n  if b do y end\nend",
       "(if (name a) (block (name x)) (else (block (if (name b) (block (name y))))))");
  TREE("if ready(x) do 1 end", "(if (call (name ready) (name x)) (block (int 1)))");
  ERRORS("if a\ndo 1 end", 1, "expected `do`");
  ERRORS("if a\ndo 1 end\nlet = 2", 2, "expected `do`",
         "expected identifier or pattern after `let`");
  TREE("let r = return_value", "(let (pbind r) (name return_value))");
  TREE("fn f() do\n  return\nend", "(fn f (clause (block (return))))");
  TREE("fn f() do return end", "(fn f (clause (block (return))))");
  TREE("fn f() do\n  return 1 + 2\nend",
       "(fn f (clause (block (return (binary + (int 1) (int 2))))))");
}

static void test_closures(void) {
  TREE("let f = fn x, y -> x + y end", "(let (pbind f) (closure (clause (param (pbind x)) (param "
                                       "(pbind y)) (binary + (name x) (name y)))))");
  TREE("let f = fn(x, y) -> x end",
       "(let (pbind f) (closure (clause (param (pbind x)) (param (pbind y)) (name x))))");
  TREE("let f = fn (x) do x end",
       "(let (pbind f) (closure (clause (param (pbind x)) (block (name x)))))");
  TREE("let f = fn -> a; b end", "(let (pbind f) (closure (clause (block (name a) (name b)))))");
  TREE("let f = fn do 1 end", "(let (pbind f) (closure (clause (block (int 1)))))");
  TREE("let f = fn x :: Int -> x end",
       "(let (pbind f) (closure (clause (param (pbind x) (annot Int)) (name x))))");
  TREE("let f = fn x when x > 0 -> 1 | _ -> 0 end",
       "(let (pbind f) (closure (clause (param (pbind x)) (guard (binary > (name x) (int 0))) "
       "(int 1)) (clause (param (pwild)) (int 0))))");
  TREE("let f = fn Some(x) -> x\n  | None -> 0\nend",
       "(let (pbind f) (closure (clause (param (pctor Some (pbind x))) (name x)) (clause (param "
       "(pctor None nullary)) (int 0))))");
  TREE("let f = fn 0 -> \"z\" | -1 -> \"m\" | ((a, b)) -> \"t\" end",
       "(let (pbind f) (closure (clause (param (pint 0)) (string \"z\")) (clause (param (pint -1)) "
       "(string \"m\")) (clause (param (ptuple (pbind a) (pbind b))) (string \"t\"))))");
  TREE("let f = fn x -> x | y do y end end",
       "(let (pbind f) (closure (clause (param (pbind x)) (name x)) (clause (param (pbind y)) "
       "(block (name y)))))");
  TREE("xs |> map(fn x -> x * 2 end)", "(binary |> (name xs) (call (name map) (closure (clause "
                                       "(param (pbind x)) (binary * (name x) (int 2))))))");
  ERRORS("let f = fn x -> x\nlet y = 2", 1, "unclosed closure -- expected `end`");
  ERRORS("let f = fn x -> x", 1, "unclosed closure -- expected `end`");
  ERRORS("let f = fn -> x", 1, "unclosed closure -- expected `end`");
  /* a statement starting with `fn name` is a definition */
  TREE("fn x = 1", "(fn x (clause no-parens = (int 1)))");
}

static void test_patterns(void) {
  TREE("case v do\n  Some(x) | None as whole -> 1\nend",
       "(case (name v) (arm (pas whole (por (pctor Some (pbind x)) (pctor None nullary))) (int "
       "1)))");
  TREE("case v do h :: t :: r -> 1 end",
       "(case (name v) (arm (pcons (pbind h) (pcons (pbind t) (pbind r))) (int 1)))");
  TREE("case v do a :: b | c -> 1 end",
       "(case (name v) (arm (pcons (pbind a) (por (pbind b) (pbind c))) (int 1)))");
  TREE("case v do (1, \"a\", true, -2.5, nil) -> 1 end",
       "(case (name v) (arm (ptuple (pint 1) (pstring \"a\") (pbool true) (pfloat -2.5) (punit)) "
       "(int 1)))");
  TREE("case v do Shape.Circle(r) when r > 1.0 -> 1 end",
       "(case (name v) (arm (pctor Shape.Circle (pbind r)) (guard (binary > (name r) (float 1))) "
       "(int 1)))");
  TREE("case v do Shape.Dot -> 1\n () -> 2\n _ -> 3 end",
       "(case (name v) (arm (pctor Shape.Dot nullary) (int 1)) (arm (punit) (int 2)) (arm (pwild) "
       "(int 3)))");
  TREE("match v do \"a\\\"b\" -> 1 end", "(case (name v) (arm (pstring \"a\\\"b\") (int 1)))");
  TREE("let (a, (b, _)) = t", "(let (ptuple (pbind a) (ptuple (pbind b) (pwild))) (name t))");
  TREE("let x :: List<Int> = []", "(let (pbind x) (annot List<Int>) (list))");
  ERRORS("case v do\n  \"${x}\" -> 1\nend", 1, "string interpolation not allowed in patterns");
  ERRORS("case v do\n  + -> 1\nend", 1, "\"Parse error: expected pattern\"");
  ERRORS("let 5 = 3", 1, "expected identifier or pattern after `let`");
  ERRORS("fn f(+) = 1", 1, "expected parameter name or pattern");
}

static void test_functions(void) {
  TREE("fn abs(n) when n < 0 = 0 - n\nfn abs(n) = n",
       "(fn abs (clause = (param (pbind n)) (when (binary < (name n) (int 0))) (binary - (int 0) "
       "(name n))) "
       "(clause = (param (pbind n)) (name n)))");
  /* non-consecutive clauses stay separate */
  TREE("fn a() = 1\nfn b() = 2\nfn a() = 3",
       "(fn a (clause = (int 1))) (fn b (clause = (int 2))) (fn a (clause = (int 3)))");
  TREE("pub fn first<T>(xs :: List<T>) -> T where T: Display, T: Geo.Shape do\n  xs\nend",
       "(fn first (clause pub (generics T) (param (pbind xs) (annot List<T>)) (returns T) "
       "(where T: Display) (where T: Geo.Shape) (block (name xs))))");
  TREE("def main do 1 end", "(fn main (clause def no-parens (block (int 1))))");
  TREE("fn sum((h :: t)) = h", "(fn sum (clause = (param (pcons (pbind h) (pbind t))) (name h)))");
  TREE("fn f(None, Some(x), Opt.V(y), _, 0, \"s\") = x",
       "(fn f (clause = (param (pctor None nullary)) (param (pctor Some (pbind x))) (param (pctor "
       "Opt.V (pbind y))) (param (pwild)) (param (pint 0)) (param (pstring \"s\")) (name x)))");
  TREE("fn outer() do\n  fn inner(x) = x\n  fn inner(x, y) = y\n  inner(1)\nend",
       "(fn outer (clause (block (fn inner (clause = (param (pbind x)) (name x)) (clause = (param "
       "(pbind x)) (param (pbind y)) (name y))) (call (name inner) (int 1)))))");
  TREE("fn f(g :: Fun(Int, String) -> Bool, o :: Int?, r :: Int!String, q :: Int?!String, w :: "
       "Int!String?) = 1",
       "(fn f (clause = (param (pbind g) (annot Fun(Int, String) -> Bool)) (param (pbind o) (annot "
       "Option<Int>)) (param (pbind r) (annot Result<Int, String>)) (param (pbind q) (annot "
       "Result<Option<Int>, String>)) (param (pbind w) (annot Result<Int, Option<String>>)) (int "
       "1)))");
  TREE("fn f(m :: Map<String, List<Int>>, t :: (Int, ()), u :: ()) = 1",
       "(fn f (clause = (param (pbind m) (annot Map<String, List<Int>>)) (param (pbind t) (annot "
       "(Int, ()))) (param (pbind u) (annot ())) (int 1)))");
  ERRORS("fn g(x)\nfn h() = 1", 1, "expected `=` or `do` for function body");
  ERRORS("fn main() do\n  println(\"hi\")\n", 1,
         "\"Parse error: expected `end` to close function body\"",
         "\"label\":\"`do` block started here\"");
}

static void test_items(void) {
  TREE("pub struct Pair<A, B> do\n  left :: A\n  right :: B\nend deriving(Eq, Display)",
       "(struct pub Pair (generics A B) (field left A) (field right B) (deriving Eq Display))");
  /* `deriving` must be on the same line as `end` */
  TREE("struct S do\n  x :: Int\nend\nderiving(Eq)",
       "(struct S (field x Int)) (call (name deriving) (name Eq))");
  TREE("type Shape do\n  Circle(Float)\n  Rect(width :: Float, height :: Float)\n  Dot\nend",
       "(type Shape (variant Circle Float) (variant Rect width::Float height::Float) (variant "
       "Dot))");
  TREE("type Handler = Fun(Int) -> String", "(alias Handler (target Fun(Int) -> String))");
  TREE("type Box<T> = List<T>", "(alias Box (generics T) (target List<T>))");
  TREE("interface Show do\n  fn show(self) -> String\n  def twice(self, n :: Int) -> String do\n   "
       " show(self)\n  end\nend",
       "(interface Show (method show (param self) (returns String)) (method twice (param self) "
       "(param (pbind n) (annot Int)) (returns String) (default (block (call (name show) "
       "(self))))))");
  TREE("impl Show for Shape do\n  fn show(self) -> String = \"s\"\nend",
       "(impl (interface Show) (for Shape) (fn show (clause = (param self) (returns String) "
       "(string \"s\"))))");
  TREE("impl Conv<Int> for Geo.Point where T: Eq do\nend",
       "(impl (interface Conv) (arg Int) (for Geo.Point) (where T: Eq))");
  TREE("actor pinger(count :: Int) do\n  receive do\n    n -> n\n  end\nterminate do |why|\n  "
       "println(\"bye\")\nend\nend",
       "(actor pinger (param (pbind count) (annot Int)) (receive (arm (pbind n) (name n))) "
       "(terminate "
       "why (block (call (name println) (string \"bye\")))))");
  TREE(
      "service Tally do\n  fn init(s :: Int) -> Int do s end\n  call Get() :: Int do |t|\n    (t, "
      "t)\n  end\n  cast Bump(by :: Int) do |t|\n    t + by\n  end\nend",
      "(service Tally (fn init (clause (param (pbind s) (annot Int)) (returns Int) (block (name "
      "s)))) "
      "(call Get |t (reply Int) (block (tuple (name t) (name t)))) (cast Bump |t (param (pbind by) "
      "(annot Int)) (block (binary + (name t) (name by)))))");
  TREE("supervisor Crew do\n  strategy: one_for_all\n  max_restarts: 5\n  max_seconds: 10\n  child "
       "first do\n    start: fn -> spawn(p, 3) end\n    restart: transient\n    shutdown: "
       "brutal_kill\n  end\n  child b do\n    shutdown: 500\n  end\nend",
       "(supervisor Crew (strategy one_for_all) (max_restarts 5) (max_seconds 10) (child first "
       "(start "
       "(closure (clause (block (spawn (name p) (int 3)))))) (restart transient) (shutdown "
       "brutal_kill)) "
       "(child b (shutdown 500)))");
  TREE("import Math.Vector\nfrom Geo.Shapes import area, perimeter,\nfrom M import { a, b }",
       "(import Math.Vector) (from Geo.Shapes import area perimeter) (from M import a b)");
  TREE("module Inner do\n  struct S do\n  end\nend", "(module Inner (struct S))");
  TREE("let x = 1", "(let (pbind x) (int 1))");
  TREE("while x > 0 do\n  break\nend", "(while (binary > (name x) (int 0)) (block (break)))");
  TREE(
      "for i in 0..n when i > 2 do\n  continue\nend",
      "(for i (binary .. (int 0) (name n)) (when (binary > (name i) (int 2))) (block (continue)))");
  TREE("for {k, v} in m do k end", "(for {k, v} (name m) (block (name k)))");
  ERRORS("from M import *", 1, "glob imports are not allowed; import names explicitly");
  ERRORS("pub impl A for B do\nend", 1,
         "expected `fn`, `module`, `struct`, `interface`, `type`, `actor`, `service`, or "
         "`supervisor` after `pub`");
  ERRORS("pub let x = 1", 1, "after `pub`");
  ERRORS("actor a do\nterminate do\nend\nterminate do\nend\nend", 1,
         "only one `terminate` clause is allowed per actor block");
  ERRORS("supervisor S do\n  frob: 1\nend", 1, "unexpected `frob` in supervisor body");
  ERRORS("supervisor S do\n  child c do\n    bogus: 1\n  end\nend", 1,
         "unexpected `bogus` in child spec body");
  ERRORS("fn f() do\n  struct S do\n  end\nend", 1, "only allowed at the top level");
  ERRORS("x = @", 1, "expected expression");
  ERRORS("foo(1 @ 2)", 1, "\"Parse error: expected expression\"");
  ERRORS("fn ~() = 1", 1, "\"Parse error: expected expression\"");
  ERRORS("let x = 1\n\xff\n", 1, "\"Parse error: invalid UTF-8 in source\"");
  ERRORS("let s = \"abc", 1, "unterminated string");
  ERRORS("fn main() do\n  println(\"hi)\nend\n", 1, "unterminated string");
  ERRORS("fn main() do\n  x #= open\nend\n", 1, "unterminated block comment");
  ERRORS("let s = \"${}\"", 1, "expected expression");
  ERRORS("let p = p { x: 1 }", 1, "expected expression");
}

static void test_recovery(void) {
  const char *src = "fn a() do\n"
                    "  let x = 1 +\n"
                    "  x\n"
                    "end\n"
                    "fn b() do\n"
                    "  foo(1, 2\n"
                    "  bar()\n"
                    "end\n"
                    "fn c() do\n"
                    "  let 5 = 3\n"
                    "  println(@)\n"
                    "end\n"
                    "fn ok() = 1\n";
  ERRORS(src, 4, "\"start\":23", "expected `)`", "expected identifier or pattern after `let`",
         "expected expression");
  /* the tree still holds every function */
  char *t = tree_of(src, NULL, NULL);
  CHECK(strstr(t, "(fn a") && strstr(t, "(fn b") && strstr(t, "(fn c") && strstr(t, "(fn ok"),
        "recovered functions: %s", t);
  free(t);
  /* errors in case arms recover at the arm */
  ERRORS("fn f(v) do\n  case v do\n    1 -> +\n    2 -> *\n  end\nend\n", 2, "expected expression",
         "expected expression");
  /* a line indented less than a broken statement is past it */
  ERRORS("fn main() do\n  let x = 1 +\n  println(\"hi\"\nend\nfn g() = 1 +\n", 3,
         "expected expression", "expected `)`", "expected expression");
  /* a keyword used as a name does not close the block */
  ERRORS("fn main() do\n  let end = 1\n  fn else() = 2\nend\nfn g() = 1\n", 2,
         "expected identifier or pattern after `let`", "expected function name");
  /* a missing end reports once, at end of file */
  ERRORS("fn f() do\n  if x do\n    1\n", 1, "expected `end` to close `do` block");
  ERRORS("fn f() do\n  1\n", 1, "expected `end` to close function body");
}

static void test_spans(void) {
  Parsed r;
  const char *src = "fn f() = 10 + 20\n";
  parse_src(&r, src, strlen(src));
  CHECK(r.m->items.len == 1, "one item");
  if (r.m->items.len == 1) {
    Item *it = r.m->items.items[0];
    Expr *b = it->fn->clauses.items[0].body;
    CHECK(b->kind == EXPR_BINARY && b->span.start == 9 && b->span.end == 16, "binary span %u..%u",
          b->span.start, b->span.end);
    CHECK(r.m->tokens[b->first_tok].start == 9 && r.m->tokens[b->last_tok].start == 14,
          "first/last tokens");
    CHECK(it->span.start == 0 && it->span.end == 16, "item span %u..%u", it->span.start,
          it->span.end);
    CHECK(b->lhs->span.start == 9 && b->lhs->span.end == 11, "lhs span");
  }
  parsed_free(&r);
}

static void test_robustness(void) {
  enum { N = 50000 };
  char *buf = malloc(N * 2 + 64);
  /* 50,000 nested parentheses */
  memset(buf, '(', N);
  buf[N] = '1';
  memset(buf + N + 1, ')', N);
  buf[2 * N + 1] = 0;
  int errors;
  char *t = tree_of(buf, &errors, NULL);
  CHECK(errors >= 1, "deep parentheses give a diagnostic");
  free(t);
  /* deep prefix operators, lists, blocks and patterns */
  memset(buf, '-', N);
  strcpy(buf + N, "x");
  t = tree_of(buf, &errors, NULL);
  CHECK(errors >= 1, "deep prefix minus gives a diagnostic");
  free(t);
  memset(buf, '[', N);
  buf[N] = 0;
  t = tree_of(buf, &errors, NULL);
  CHECK(errors >= 1, "deep unclosed lists give a diagnostic");
  free(t);
  size_t w = 0;
  for (int i = 0; i < 5000; i++)
    w += (size_t)sprintf(buf + w, "if a do ");
  for (int i = 0; i < 5000; i++)
    w += (size_t)sprintf(buf + w, "end ");
  t = tree_of(buf, &errors, NULL);
  CHECK(errors >= 1, "5000 nested ifs exceed the depth limit with a diagnostic");
  free(t);
  w = 0;
  for (int i = 0; i < 5000; i++)
    w += (size_t)sprintf(buf + w, "\"${");
  w += (size_t)sprintf(buf + w, "1");
  for (int i = 0; i < 5000; i++)
    w += (size_t)sprintf(buf + w, "}\"");
  buf[w] = 0;
  t = tree_of(buf, &errors, NULL);
  CHECK(errors >= 1, "5000 nested interpolations give a diagnostic");
  free(t);
  strcpy(buf, "case v do ");
  w = strlen(buf);
  for (int i = 0; i < 5000; i++)
    w += (size_t)sprintf(buf + w, "(");
  buf[w] = 0;
  t = tree_of(buf, &errors, NULL);
  CHECK(errors >= 1, "deep patterns give a diagnostic");
  free(t);
  /* moderate nesting is fine */
  w = 0;
  for (int i = 0; i < 100; i++)
    buf[w++] = '(';
  buf[w++] = '1';
  for (int i = 0; i < 100; i++)
    buf[w++] = ')';
  buf[w] = 0;
  t = tree_of(buf, &errors, NULL);
  CHECK(errors == 0 && strcmp(t, "(int 1)") == 0, "100 nested parentheses parse: %s", t);
  free(t);
  free(buf);

  /* empty and blank files */
  t = tree_of("", &errors, NULL);
  CHECK(errors == 0 && t[0] == 0, "empty file: [%s]", t);
  free(t);
  t = tree_of("\n\n  # only a comment\n;;\n", &errors, NULL);
  CHECK(errors == 0 && t[0] == 0, "blank file: [%s]", t);
  free(t);

  /* garbage never crashes */
  unsigned seed = 99;
  static const char *frags[] = {"fn", " ",    "\n",     "(",    ")",       "do",     "end",  "let",
                                "=",  "x",    "1",      "\"",   "${",      "}",      "{",    "[",
                                "]",  "->",   "|",      "case", "if",      "else",   "@",    ",",
                                "::", "Some", "struct", "type", "receive", "after",  "fn x", "%{",
                                "=>", ".",    "?",      "pub",  "from",    "import", "#="};
  char gbuf[2048];
  for (int iter = 0; iter < 2000; iter++) {
    size_t gw = 0;
    seed = seed * 1103515245u + 12345u;
    int nparts = (int)((seed >> 16) % 120);
    for (int i = 0; i < nparts; i++) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 16;
      if (iter % 4 == 0) {
        gbuf[gw++] = (char)(r & 0xff);
      } else {
        const char *f = frags[r % (sizeof frags / sizeof frags[0])];
        size_t fl = strlen(f);
        memcpy(gbuf + gw, f, fl);
        gw += fl;
      }
    }
    Parsed r;
    parse_src(&r, gbuf, gw);
    parsed_free(&r);
  }
  CHECK(1, "garbage inputs did not crash");

  /* a huge file parses quickly */
  size_t cap = 4 * 1024 * 1024;
  char *big = malloc(cap);
  size_t bw = 0;
  for (int i = 0; i < 20000; i++)
    bw += (size_t)snprintf(
        big + bw, cap - bw,
        "fn f%d(x :: Int) -> Int do\n  let y = x * %d + 1\n  if y > 3 do y else 0 end\nend\n", i,
        i);
  clock_t c0 = clock();
  Parsed r;
  parse_src(&r, big, bw);
  double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
  CHECK(r.errors == 0 && r.m->items.len == 20000, "huge file: %d items, %d errors", r.m->items.len,
        r.errors);
  CHECK(secs < 5.0, "huge file parsed in %.2fs", secs);
  parsed_free(&r);
  free(big);
}

/* The diagnostics module renders the examples of language.md §8.2/§8.3 and
 * tooling.md §1.5.2 exactly. */
static char *render(bool json, void (*report)(DiagContext *, SourceFile *), const char *src) {
  Arena a;
  arena_init(&a);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  DiagContext dc;
  diag_init(&dc, &a, json, false, out);
  SourceFile *f = source_from_bytes(&a, "proj/main.snow", src, strlen(src));
  report(&dc, f);
  diag_flush(&dc);
  diag_fatal_line(&dc, "Compilation failed due to errors above.");
  fclose(out);
  arena_free(&a);
  return text;
}

static void report_e0004(DiagContext *dc, SourceFile *f) {
  diag_error(dc, "E0004", f, span_make(23, 29), "not found in this scope", "undefined variable: %s",
             "mesage");
}

static void report_e0001(DiagContext *dc, SourceFile *f) {
  Diagnostic *d = diag_error(dc, "E0001", f, span_make(19, 24), "expected Int from annotation",
                             "expected Int, found %s", "String");
  (void)d;
}

static void report_mixed(DiagContext *dc, SourceFile *f) {
  diag_warning(dc, "W0001", f, span_make(0, 2), "this arm is unreachable",
               "redundant match arm (arm 2)");
  Diagnostic *d = diag_error(dc, "E0001", f, span_make(9, 10), "q\"\\\n\x01", "second");
  diag_set_help(dc, d, "use Int conversion");
  diag_set_note(dc, d, "a note");
  diag_parse_error(dc, f, span_make(3, 3), "expected `end` to close `do` block");
}

static void test_diag_rendering(void) {
  char *t = render(false, report_e0004, "fn main() do\n  println(mesage)\nend\n");
  const char *expected = "[E0004] Error: undefined variable: mesage\n"
                         "   ╭─[ proj/main.snow:2:11 ]\n"
                         "   │\n"
                         " 2 │   println(mesage)\n"
                         "   │           ───┬──\n"
                         "   │              ╰──── not found in this scope\n"
                         "───╯\n"
                         "error: Compilation failed due to errors above.\n";
  CHECK(strcmp(t, expected) == 0, "E0004 rendering:\n%s", t);
  free(t);
  t = render(true, report_e0001, "let limit :: Int = \"ten\"\n");
  expected =
      "{\"code\":\"E0001\",\"severity\":\"error\",\"message\":\"expected Int, found String\","
      "\"file\":\"proj/main.snow\",\"spans\":[{\"start\":19,\"end\":24,\"label\":\"expected Int "
      "from "
      "annotation\"}],\"fix\":null}\n"
      "{\"code\":\"C0001\",\"severity\":\"error\",\"message\":\"Compilation failed due to errors "
      "above.\",\"file\":\"\",\"spans\":[],\"fix\":null}\n";
  CHECK(strcmp(t, expected) == 0, "E0001 JSON:\n%s", t);
  free(t);
  /* ordering (errors in source order, then warnings), escaping, help/note, parse errors */
  t = render(true, report_mixed, "ab cd efgh ij\n");
  const char *p1 = strstr(t, "\"P0001\""), *p2 = strstr(t, "\"E0001\""),
             *p3 = strstr(t, "\"W0001\"");
  CHECK(p1 && p2 && p3 && p1 < p2 && p2 < p3, "flush order:\n%s", t);
  CHECK(strstr(t, "\"message\":\"Parse error: expected `end` to close `do` block\"") &&
            strstr(t, "{\"start\":3,\"end\":4,"),
        "parse error JSON:\n%s", t);
  CHECK(strstr(t, "\"label\":\"q\\\"\\\\\\n\\u0001\"") &&
            strstr(t, "\"fix\":\"use Int conversion\""),
        "escaping and fix:\n%s", t);
  free(t);
  t = render(false, report_mixed, "ab cd efgh ij\n");
  CHECK(strstr(t, "Error: Parse error\n") && strstr(t, "╰── expected `end` to close `do` block") &&
            strstr(t, "[E0001] Error: second\n") && strstr(t, "│ Help: use Int conversion\n") &&
            strstr(t, "│ Note: a note\n") &&
            strstr(t, "[W0001] Warning: redundant match arm (arm 2)\n") && !strstr(t, "\x1b["),
        "human mixed:\n%s", t);
  free(t);
}

/* Every valid program of the repository parses without a diagnostic: the
 * grammar samples of tests/parse, the end-to-end programs, the examples. */
static int corpus_files;
static void parse_tree_clean(const char *dir) {
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
      parse_tree_clean(path);
      continue;
    }
    size_t nl = strlen(e->d_name);
    if (nl < 5 || strcmp(e->d_name + nl - 5, ".snow") != 0) continue;
    FILE *fp = fopen(path, "rb");
    if (!fp) continue;
    char *text = malloc((size_t)st.st_size + 1);
    size_t len = fread(text, 1, (size_t)st.st_size, fp);
    fclose(fp);
    Parsed r;
    parse_src(&r, text, len);
    CHECK(r.errors == 0, "%s has parse errors:\n%s", path, r.diags);
    parsed_free(&r);
    free(text);
    corpus_files++;
  }
  closedir(d);
}

static void test_corpus(void) {
  parse_tree_clean("tests/parse");
  parse_tree_clean("tests/e2e");
  parse_tree_clean("examples");
  CHECK(corpus_files >= 3, "found the grammar samples (run from the repository root)");
}

int main(void) {
  test_diag_rendering();
  test_corpus();
  test_precedence();
  test_primaries();
  test_newlines();
  test_closures();
  test_patterns();
  test_functions();
  test_items();
  test_recovery();
  test_spans();
  test_robustness();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
