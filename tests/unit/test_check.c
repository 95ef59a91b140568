/* test_check.c — unit tests of the type checker: parses small programs,
 * runs check_program() and asserts inferred schemes, annotations and the
 * diagnostics produced (code + headline, read from the JSON rendering). */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/check/check.h"
#include "../../compiler/check/types.h"
#include "../../compiler/common/builtins.h"
#include "../../compiler/syntax/parser.h"

#include "check_run.h"
#include "unit.h"



static FnDecl *find_fn(Run *r, const char *name) {
  for (int i = 0; i < r->m->items.len; i++) {
    Item *it = r->m->items.items[i];
    if (it->kind == ITEM_FN && strcmp(it->fn->name.text, name) == 0) return it->fn;
  }
  return NULL;
}

/* The scheme of `name` with its variables renamed a, b, c... in order. */
static const char *scheme_of(Run *r, const char *name) {
  FnDecl *fn = find_fn(r, name);
  if (!fn || !fn->scheme) return "<none>";
  const char *s = type_to_string(&r->arena, fn->scheme->type);
  static char buf[512];
  int ids[26], nids = 0;
  size_t o = 0;
  for (const char *p = s; *p && o + 2 < sizeof buf;) {
    if (*p == '?' && isdigit((unsigned char)p[1])) {
      int id = atoi(p + 1);
      int k = 0;
      while (k < nids && ids[k] != id)
        k++;
      if (k == nids && nids < 26) ids[nids++] = id;
      buf[o++] = (char)('a' + k);
      p++;
      while (isdigit((unsigned char)*p))
        p++;
    } else {
      buf[o++] = *p++;
    }
  }
  buf[o] = 0;
  return buf;
}

/* True when a diagnostic with this code and a message containing `msg`
 * was reported. */
static bool has_diag(Run *r, const char *code, const char *msg) {
  char key[64];
  snprintf(key, sizeof key, "\"code\":\"%s\"", code);
  for (char *line = r->diags; line && *line;) {
    char *end = strchr(line, '\n');
    size_t n = end ? (size_t)(end - line) : strlen(line);
    char *copy = strndup(line, n);
    bool hit = strstr(copy, key) && (!msg || strstr(copy, msg));
    free(copy);
    if (hit) return true;
    line = end ? end + 1 : NULL;
  }
  return false;
}

static void expect_ok(const char *name, const char *src) {
  Run *r = run(src);
  CHECK(r->parsed && r->ok, "%s: expected no errors, got:\n%s", name, r->diags);
  done(r);
}

static void expect_diag(const char *name, const char *src, const char *code, const char *msg) {
  Run *r = run(src);
  CHECK(r->parsed, "%s: parse failed:\n%s", name, r->diags);
  CHECK(has_diag(r, code, msg), "%s: expected %s '%s', got:\n%s", name, code, msg ? msg : "",
        r->diags);
  done(r);
}

static void expect_scheme(const char *src, const char *fn, const char *want) {
  Run *r = run(src);
  const char *got = scheme_of(r, fn);
  CHECK(strcmp(got, want) == 0, "scheme of %s: want %s, got %s (diags: %s)", fn, want, got,
        r->diags);
  done(r);
}

static void test_schemes(void) {
  expect_scheme("fn id(x) = x\nfn main() do\n  id(1)\n  id(\"s\")\nend\n", "id", "(a) -> a");
  expect_scheme("fn k(x, y) = x\nfn main() = k(1, 2)\n", "k", "(a, b) -> a");
  expect_scheme("fn inc(x) = x + 1\nfn main() = inc(1)\n", "inc", "(Int) -> Int");
  expect_scheme("fn apply(f, v) = f(v)\nfn main() = 0\n", "apply", "((a) -> b, a) -> b");
  expect_scheme("fn len(xs) do\n  case xs do\n    _ :: t -> 1 + len(t)\n    _ -> 0\n  end\nend\n"
                "fn main() = len([1])\n",
                "len", "(List<a>) -> Int");
  /* SCC: mutual recursion checked together */
  expect_scheme("fn is_even(n) = if n == 0 do true else is_odd(n - 1) end\n"
                "fn is_odd(n) = if n == 0 do false else is_even(n - 1) end\n"
                "fn main() = is_even(4)\n",
                "is_odd", "(Int) -> Bool");
  /* a function used before its definition is generalised first */
  expect_scheme("fn main() do\n  let a = pair(1)\n  let b = pair(\"x\")\n  a\nend\n"
                "fn pair(x) = (x, x)\n",
                "pair", "(a) -> (a, a)");
  expect_scheme("struct Point do\n  x :: Int\n  y :: Int\nend\n"
                "fn origin() = Point { x: 0, y: 0 }\nfn main() = origin()\n",
                "origin", "() -> Main.Point");
  expect_scheme("fn wrap(x) = Some(x)\nfn main() = wrap(1)\n", "wrap", "(a) -> Option<a>");
  /* a parameter shadowing a function adds no call-graph edge: f stays generic */
  expect_scheme("fn f(g) = g(1)\nfn g(x) do\n  let a = f(fn y -> y end)\n"
                "  let b = f(fn y -> \"s\" end)\n  x\nend\nfn main() = g(1)\n",
                "f", "((Int) -> a) -> a");
  expect_scheme("fn first<T>(xs :: List<T>) -> T = head(xs)\nfn main() = first([1])\n", "first",
                "(List<T>) -> T");
}

static void test_more_ok(void) {
  expect_ok("alias", "type Pairs<T> = List<(T, T)>\nfn mk() -> Pairs<Int> = [(1, 2)]\n"
                     "fn main() = println(\"${mk()}\")\n");
  expect_ok("nested fn generalised", "fn main() do\n  fn twice(x) = (x, x)\n  let a = twice(1)\n"
                                     "  let b = twice(\"s\")\n  println(\"${a} ${b}\")\nend\n");
  expect_ok("pipe into closure var", "fn main() do\n  let f = fn x -> x + 1 end\n"
                                     "  println(\"${3 |> f}\")\nend\n");
  expect_ok("option ?", "fn first(xs :: List<Int>) -> Option<Int> do\n"
                        "  let h = List.find(xs, fn x -> x > 1 end)?\n  Some(h)\nend\n"
                        "fn main() = first([1])\n");
  expect_ok("recursive sum", "type Tree do\n  Leaf\n  Node(Tree, Int, Tree)\nend\n"
                             "fn sum(t) do\n  case t do\n    Leaf -> 0\n"
                             "    Node(l, v, r) -> sum(l) + v + sum(r)\n  end\nend\n"
                             "fn main() = sum(Node(Leaf, 1, Leaf))\n");
  expect_ok("qualified pattern",
            "type Shape do\n  Circle(Float)\n  Dot\nend\n"
            "fn f(s) do\n  case s do\n    Shape.Circle(r) -> r\n    Shape.Dot -> 0.0\n"
            "  end\nend\nfn main() = f(Dot)\n");
  expect_ok("return in closure",
            "fn main() do\n  let f = fn x -> if x > 0 do\n    return 1\n  else\n"
            "    2\n  end end\n  f(1)\nend\n");
  expect_ok("generic constraint instantiated",
            "fn same(a, b) = a == b\n"
            "fn main() = println(\"${same(1, 2)} ${same(\"a\", \"b\")}\")\n");
  expect_diag("generic constraint violated",
              "fn same(a, b) = a == b\nfn main() = same(Some(1), None)\n", "E0006",
              "Option<Int> does not implement Eq");
}

static void test_programs_ok(void) {
  expect_ok("let polymorphism", "fn main() do\n  let id = fn x -> x end\n  let a = id(1)\n"
                                "  let b = id(\"s\")\n  println(b)\nend\n");
  expect_ok("empty list generalised", "fn main() do\n  let e = []\n  let a = [1] ++ e\n"
                                      "  let b = [\"s\"] ++ e\n  println(\"${a} ${b}\")\nend\n");
  expect_ok("sum types",
            "type Shape do\n  Circle(Float)\n  Dot\nend\n"
            "fn area(s) do\n  case s do\n    Circle(r) -> r * r\n    Dot -> 0.0\n  end\nend\n"
            "fn main() = println(\"${area(Circle(2.0))}\")\n");
  expect_ok("pipes", "fn double(x) = x * 2\nfn add(a, b) = a + b\n"
                     "fn main() do\n  let r = 3 |> double() |> add(4)\n"
                     "  let s = [1, 2] |> map(fn x -> x + 1 end)\n  println(\"${r} ${s}\")\nend\n");
  expect_ok("method fallback",
            "fn main() do\n  let n = \"abc\".length()\n"
            "  let xs = [1, 2].map(fn x -> x * 2 end)\n  println(\"${n} ${xs}\")\nend\n");
  expect_ok("qualified", "fn main() do\n  let xs = List.map([1], fn x -> x end)\n"
                         "  let o = Option.Some(1)\n  println(\"${xs} ${o}\")\nend\n");
  expect_ok("result ?",
            "fn parse(s :: String) -> Int!String = Ok(1)\n"
            "fn next(s :: String) -> Int!String do\n  let a = parse(s)?\n  Ok(a + 1)\nend\n"
            "fn main() = next(\"1\")\n");
  expect_ok("multi-clause", "fn describe(0) = \"zero\"\nfn describe(n) when n < 0 = \"negative\"\n"
                            "fn describe(_) = \"ordinary\"\nfn main() = println(describe(3))\n");
  expect_ok("struct default derive",
            "struct Pt do\n  x :: Int\n  y :: Int\nend\n"
            "fn main() do\n  let p = Pt { x: 1, y: -2 }\n"
            "  println(\"${p} ${p == Pt { x: 1, y: -2 }} ${p < p}\")\nend\n");
  expect_ok("or and as patterns",
            "fn kind(pair) do\n  case pair do\n    (0, 0) -> \"origin\"\n"
            "    (0, _) | (_, 0) -> \"axis\"\n    (x, y) when x == y -> \"diag\"\n"
            "    _ -> \"plane\"\n  end\nend\nfn main() = println(kind((1, 2)))\n");
  expect_ok("forward type use",
            "fn main() = describe(Dot)\nfn describe(s :: Shape) -> String do\n"
            "  case s do\n    Circle(r) -> \"c\"\n    Dot -> \"d\"\n  end\nend\n"
            "type Shape do\n  Circle(Float)\n  Dot\nend\n");
  expect_ok("closure captures",
            "fn make_adder(k :: Int) do\n  let add = fn x -> x + k end\n  add\nend\n"
            "fn main() = println(\"${make_adder(5)(1)}\")\n");
  expect_ok("generic struct", "struct Pair<A, B> do\n  left :: A\n  right :: B\nend\n"
                              "fn main() do\n  let p = Pair { left: 1, right: \"a\" }\n"
                              "  println(p.right)\nend\n");
}

static void test_diagnostics(void) {
  expect_diag("undefined", "fn main() do\n  println(mesage)\nend\n", "E0004",
              "undefined variable: mesage");
  expect_diag("arg mismatch", "fn main() = println(1)\n", "E0001", "expected String, found Int");
  expect_diag("arg label", "fn main() = println(1)\n", "E0001",
              "argument 1 has type Int, expected String");
  expect_diag("arity", "fn f(a, b) = a\nfn main() = f(1)\n", "E0003",
              "expected 2 argument(s), found 1");
  expect_diag("int float", "fn main() = 1 + 2.0\n", "E0001", "expected Int, found Float");
  expect_diag("string add", "fn main() = \"a\" + \"b\"\n", "E0006",
              "String does not implement Add");
  expect_diag("bool ord", "fn main() = true < false\n", "E0006", "Bool does not implement Ord");
  expect_diag("if branches", "fn main() = if true do 1 else \"s\" end\n", "E0001",
              "expected Int, found String");
  expect_diag("non exhaustive",
              "type Light do\n  Red\n  Amber\n  Green\nend\n"
              "fn next(l) do\n  case l do\n    Red -> Green\n    Green -> Amber\n  end\nend\n"
              "fn main() = next(Red)\n",
              "E0012", "non-exhaustive match on `Light`");
  expect_diag("missing label",
              "type Light do\n  Red\n  Amber\n  Green\nend\n"
              "fn next(l) do\n  case l do\n    Red -> Green\n    Green -> Amber\n  end\nend\n"
              "fn main() = next(Red)\n",
              "E0012", "missing: Amber");
  expect_diag("option missing",
              "fn f(o) do\n  case o do\n    Some(x) -> x\n  end\nend\nfn main() = f(Some(1))\n",
              "E0012", "missing: None");
  expect_diag("missing several",
              "type Shape do\n  Circle(Float)\n  Sq(Float)\n  Dot\nend\n"
              "fn f(s) do\n  case s do\n    Sq(_) -> 1\n  end\nend\nfn main() = f(Dot)\n",
              "E0012", "missing: Circle(_), Dot");
  expect_diag("missing tuple",
              "fn f(p) do\n  case p do\n    (true, _) -> 1\n    (_, 0) -> 2\n  end\nend\n"
              "fn main() = f((true, 1))\n",
              "E0012", "missing: (false, _)");
  expect_diag("missing nested",
              "fn f(o) do\n  case o do\n    Some(Ok(x)) -> x\n    None -> 0\n  end\nend\n"
              "fn main() = f(None)\n",
              "E0012", "missing: Some(Err(_))");
  expect_diag("missing list",
              "fn f(xs) do\n  case xs do\n    h :: t -> h\n  end\nend\nfn main() = f([1])\n",
              "E0012", "missing: _");
  expect_diag("redundant",
              "fn f(x) do\n  case x do\n    _ -> 1\n    0 -> 2\n  end\nend\nfn main() = f(1)\n",
              "W0001", "redundant match arm (arm 2)");
  expect_diag("fn non exhaustive warning", "fn f(0) = 1\nfn f(1) = 2\nfn main() = f(1)\n", "E0012",
              "\"severity\":\"warning\"");
  expect_diag("catch-all not last", "fn f(n) = 1\nfn f(0) = 2\nfn main() = f(1)\n", "E0022",
              "catch-all clause must be the last clause of function `f/1`");
  expect_diag("non-consecutive", "fn f(0) = 1\nfn main() = f(1)\nfn f(n) = 2\n", "E0023",
              "function `f/1` already defined");
  expect_diag("clause arity", "fn f(0) = 1\nfn f(a, b) = 2\nfn main() = f(1)\n", "E0024",
              "all clauses of `f` must have the same number of parameters; expected 1, found 2");
  expect_diag("missing field", "struct P do\n  x :: Int\n  y :: Int\nend\nfn main() = P { x: 1 }\n",
              "E0009", "missing field y in struct P");
  expect_diag("unknown field", "struct P do\n  x :: Int\nend\nfn main() = P { x: 1, z: 2 }\n",
              "E0009", "unknown field z in struct P");
  expect_diag("no field",
              "struct P do\n  x :: Int\nend\nfn main() do\n  let p = P { x: 1 }\n  p.q\nend\n",
              "E0009", "type Main.P has no field q");
  expect_diag("unknown variant",
              "fn f(x) do\n  case x do\n    Bogus(y) -> y\n    _ -> 0\n  end\nend\n"
              "fn main() = f(1)\n",
              "E0010", "unknown variant: Bogus");
  expect_diag("or binds",
              "fn f(p) do\n  case p do\n    (a, 0) | (0, b) -> 1\n    _ -> 2\n  end\nend\n"
              "fn main() = f((1, 2))\n",
              "E0011", "or-pattern alternatives bind different variables: [a] vs [b]");
  expect_diag("guard",
              "fn f(x) do\n  case x do\n    n when n + 1 > 2 -> 1\n    _ -> 2\n  end\nend\n"
              "fn main() = f(1)\n",
              "E0013", "invalid guard: operator `+` not allowed in guard");
  expect_diag("try operand",
              "fn f() -> Int!String do\n  let a = 5?\n  Ok(a)\nend\nfn main() = f()\n", "E0037",
              "`?` requires `Result` or `Option`");
  expect_diag("try context", "fn f() -> Int do\n  let a = Some(1)?\n  a\nend\nfn main() = f()\n",
              "E0036", "`?` operator requires function to return `Result` or `Option`");
  expect_diag("annotation", "fn main() do\n  let x :: Int = \"s\"\n  x\nend\n", "E0001",
              "expected Int from annotation");
  expect_diag("return type", "fn f() -> Int do\n  \"s\"\nend\nfn main() = f()\n", "E0001",
              "return type declared as Int");
  expect_diag("infinite", "fn f(x) = x(x)\nfn main() = 0\n", "E0002", "infinite type");
  expect_diag("interp fn", "fn g(x) = x\nfn main() = println(\"${g}\")\n", "E0006",
              "does not implement Display");
  expect_diag("default undetermined", "fn main() = println(\"${default()}\")\n", "E0046",
              "cannot infer type");
  expect_diag("deriving bad", "struct P do\n  x :: Int\nend deriving(Foo)\nfn main() = 0\n",
              "E0028", "cannot derive `Foo` for `P`");
  expect_diag("deriving ord", "struct P do\n  x :: Int\nend deriving(Ord)\nfn main() = 0\n",
              "E0029", "cannot derive `Ord` for `P` without `Eq`");
  expect_diag("no display derive",
              "struct P do\n  x :: Int\nend deriving(Eq)\n"
              "fn main() = println(\"${P { x: 1 }}\")\n",
              "E0006", "Main.P does not implement Display");
  expect_diag("w0002", "fn f(0) -> Int = 1\nfn f(n) -> Int = 2\nfn main() = f(1)\n", "W0002",
              "return type annotation on non-first clause of `f` will be ignored");
  expect_diag("not callable", "fn main() do\n  let x = 1\n  x(2)\nend\n", "E0001", "found Int");
  expect_diag("self outside", "fn f() = self()\nfn main() = 0\n", "E0015",
              "self() used outside actor block");
  /* actors area (check/actors.c) */
  expect_ok("actor", "actor a() do\n  receive do\n    _ -> 1\n  end\nend\nfn main() = 0\n");
  expect_ok("actor self-call and starter",
            "actor t(n :: Int) do\n  receive do\n    k -> t(n + k)\n  end\nend\n"
            "fn main() do\n  let p = spawn(t, 0)\n  send(p, 1)\n  let q = t(5)\n  send(q, 2)\nend\n");
  expect_diag("actor message type mismatch",
              "actor t(n :: Int) do\n  receive do\n    k -> t(n + k)\n  end\nend\n"
              "fn main() do\n  send(spawn(t, 0), \"x\")\nend\n",
              "E0014", "message type mismatch: expected Int, found String");
  expect_diag("actor message type Signal",
              "actor w() do\n  send(self(), Down(1, self(), Normal))\nend\nfn main() = 0\n", "E0040",
              "message type of actor `w` cannot be Signal");
  expect_diag("receive outside", "fn f() do\n  receive do\n    x -> x\n  end\nend\nfn main() = 0\n",
              "E0017", "receive used outside actor block");
  expect_ok("receive and self in main",
            "fn main() do\n  send(self(), 1)\n  receive do\n    n -> n + 1\n  after 0 -> 0\n  end\nend\n");
  expect_diag("nested fn no outer locals",
              "fn main() do\n  let k = 1\n  fn g(x) = x + k\n  g(1)\nend\n", "E0004",
              "undefined variable: k");
}

static void test_annotations(void) {
  Run *r = run("fn count(n, acc) = if n == 0 do acc else count(n - 1, acc + 1) end\n"
               "fn main() = count(10, 0)\n");
  CHECK(r->ok, "count: %s", r->diags);
  FnDecl *fn = find_fn(r, "count");
  Expr *body = fn ? fn->clauses.items[0].body : NULL;
  Expr *call = NULL;
  if (body && body->kind == EXPR_IF && body->else_branch) {
    Expr *eb = body->else_branch;
    if (eb->kind == EXPR_BLOCK && eb->stmts.len) eb = VEC_LAST(eb->stmts)->expr;
    call = eb;
  }
  CHECK(call && call->kind == EXPR_CALL && call->is_tail && call->is_self_tail_call,
        "self tail call marked");
  done(r);

  r = run("fn main() do\n  let k = 5\n  let f = fn x -> x + k end\n  f(1)\nend\n");
  CHECK(r->ok, "capture: %s", r->diags);
  FnDecl *m = find_fn(r, "main");
  Expr *closure = NULL;
  if (m) {
    Expr *b = m->clauses.items[0].body;
    if (b && b->kind == EXPR_BLOCK && b->stmts.len >= 2) closure = b->stmts.items[1]->expr;
  }
  CHECK(closure && closure->kind == EXPR_CLOSURE && closure->ncaptures == 1 &&
            strcmp(closure->captures[0]->name, "k") == 0,
        "closure captures k");
  done(r);

  r = run("fn main() = 0\n");
  CHECK(r->prog.main_fn && strcmp(r->prog.main_fn->name.text, "main") == 0, "main_fn set");
  done(r);
  r = run("fn helper() = 0\n");
  CHECK(r->ok && r->prog.main_fn == NULL, "no main_fn");
  done(r);

  SumDecl *opt = check_builtin_sum(TC_OPTION);
  CHECK(opt && opt->variants.len == 2 && strcmp(opt->variants.items[0]->name.text, "Some") == 0 &&
            opt->variants.items[0]->owner == opt,
        "builtin Option");
}

/* The expression of the last statement of `main`'s body. */
static Expr *last_expr_of_main(Run *r) {
  FnDecl *m = find_fn(r, "main");
  if (!m) return NULL;
  Expr *b = m->clauses.items[0].body;
  if (b && b->kind == EXPR_BLOCK && b->stmts.len) return VEC_LAST(b->stmts)->expr;
  return b;
}

static void test_annotations_more(void) {
  /* a generic call records its instantiation, resolved */
  Run *r = run("fn id(x) = x\nfn main() = id(\"s\")\n");
  Expr *call = last_expr_of_main(r);
  CHECK(call && call->kind == EXPR_CALL && call->target->ref.kind == REF_FN &&
            call->target->ref.ninst == 1 && call->target->ref.inst[0]->kind == T_STRING &&
            call->is_tail && !call->is_self_tail_call,
        "generic call instantiation");
  done(r);
  /* struct literal field order and field access index */
  r = run("struct P do\n  x :: Int\n  y :: String\nend\n"
          "fn main() do\n  let p = P { y: \"a\", x: 1 }\n  p.y\nend\n");
  FnDecl *m = find_fn(r, "main");
  Expr *lit = m ? m->clauses.items[0].body->stmts.items[0]->expr : NULL;
  Expr *acc = last_expr_of_main(r);
  CHECK(lit && lit->struct_decl && lit->field_order && lit->field_order[0] == 1 &&
            lit->field_order[1] == 0,
        "field_order");
  CHECK(acc && acc->kind == EXPR_FIELD && acc->field_index == 1 && acc->type->kind == T_STRING,
        "field access index");
  done(r);
  /* library fallback method call */
  r = run("fn main() = [1, 2].map(fn x -> x + 1 end)\n");
  call = last_expr_of_main(r);
  CHECK(call && call->kind == EXPR_CALL && call->is_method_call &&
            call->target->ref.kind == REF_BUILTIN && call->target->ref.builtin == BI_LIST_MAP,
        "method fallback annotation: %s", r->diags);
  done(r);
  /* built-in variants have their owner */
  r = run("fn f(o) do\n  case o do\n    Some(x) -> x\n    None -> 0\n  end\nend\nfn main() = "
          "f(None)\n");
  FnDecl *f = find_fn(r, "f");
  Expr *cs = f ? f->clauses.items[0].body : NULL;
  if (cs && cs->kind == EXPR_BLOCK && cs->stmts.len) cs = cs->stmts.items[0]->expr;
  Pattern *p0 = cs && cs->kind == EXPR_CASE ? cs->arms.items[0].pattern : NULL;
  Pattern *p1 = cs && cs->kind == EXPR_CASE ? cs->arms.items[1].pattern : NULL;
  CHECK(p0 && p0->kind == PAT_CTOR && p0->variant &&
            p0->variant->owner == check_builtin_sum(TC_OPTION) && p0->variant->index == 0,
        "Some pattern variant");
  CHECK(p1 && p1->kind == PAT_CTOR && p1->variant && p1->variant->index == 1,
        "None pattern variant");
  CHECK(cs && cs->type && cs->type->kind == T_INT, "case type zonked");
  done(r);
  /* pipe into a self tail call */
  r = run("fn down(n) = if n == 0 do 0 else n - 1 |> down() end\nfn main() = down(3)\n");
  FnDecl *d = find_fn(r, "down");
  Expr *ifx = d ? d->clauses.items[0].body : NULL;
  Expr *eb = ifx && ifx->kind == EXPR_IF ? ifx->else_branch : NULL;
  if (eb && eb->kind == EXPR_BLOCK && eb->stmts.len) eb = VEC_LAST(eb->stmts)->expr;
  CHECK(eb && eb->kind == EXPR_BINARY && eb->binop == OP_PIPE && eb->rhs->kind == EXPR_CALL &&
            eb->rhs->is_self_tail_call,
        "piped self tail call: %s", r->diags);
  done(r);
  /* derives */
  r = run("struct A do\n  x :: Int\nend\nstruct B do\n  x :: Int\nend deriving(Display)\n"
          "type S do\n  K\nend\nfn main() = 0\n");
  StructDecl *sa = NULL, *sb = NULL;
  SumDecl *ss = NULL;
  for (int i = 0; i < r->m->items.len; i++) {
    Item *it = r->m->items.items[i];
    if (it->kind == ITEM_STRUCT) {
      if (!sa)
        sa = it->struct_decl;
      else
        sb = it->struct_decl;
    }
    if (it->kind == ITEM_SUM) ss = it->sum;
  }
  CHECK(sa && sa->derives == (DERIVE_EQ | DERIVE_ORD | DERIVE_HASH | DERIVE_DEBUG),
        "struct default derives");
  CHECK(sb && sb->derives == DERIVE_DISPLAY, "explicit derives");
  CHECK(ss && ss->derives == (DERIVE_EQ | DERIVE_ORD | DERIVE_DEBUG), "sum default derives");
  done(r);
}

static void test_robustness(void) {
  /* deep nesting must give a diagnostic, not a crash */
  size_t depth = 5000;
  char *src = malloc(depth * 4 + 64);
  strcpy(src, "fn main() = ");
  size_t o = strlen(src);
  for (size_t i = 0; i < depth; i++)
    src[o++] = '1', src[o++] = '+';
  src[o++] = '1';
  src[o++] = '\n';
  src[o] = 0;
  Run *r = run(src);
  CHECK(r->parsed && r->ok && strcmp(scheme_of(r, "main"), "() -> Int") == 0,
        "long operator chain checks iteratively: %s", r->diags);
  done(r);
  free(src);
  /* exponentially large types are cut off with a diagnostic */
  char big[4096];
  strcpy(big, "fn main() do\n  let a0 = []\n");
  for (int i = 1; i < 40; i++)
    sprintf(big + strlen(big), "  let a%d = (a%d, a%d)\n", i, i - 1, i - 1);
  strcat(big, "  a39\nend\n");
  r = run(big);
  CHECK(has_diag(r, "E9999", "types with more than"), "type size limit: %.300s", r->diags);
  done(r);
  /* shared (DAG) types are traversed once per node */
  strcpy(big, "fn main() do\n  let a0 = 1\n  let b0 = 1\n");
  for (int i = 1; i < 40; i++)
    sprintf(big + strlen(big), "  let a%d = (a%d, a%d)\n  let b%d = (b%d, b%d)\n", i, i - 1, i - 1,
            i, i - 1, i - 1);
  strcat(big, "  let c :: Int = 1\n  (a39, c) == (b39, c)\nend\n");
  r = run(big);
  CHECK(has_diag(r, "E0006", "does not implement Eq"), "dag unify: %.300s", r->diags);
  done(r);
}

static void test_imports(void) {
  const char *names[] = {"TextUtils", "Main"};
  const char *lib = "fn helper(s) = s <> \"!\"\npub fn shout(s :: String) -> String = helper(s)\n"
                    "pub type Color do\n  Red\n  Blue\nend\n";
  const char *srcs_ok[] = {lib,
                           "from TextUtils import shout\nimport TextUtils\n"
                           "fn helper() = \"x\"\n"
                           "fn main() do\n  println(shout(\"hi\") <> TextUtils.shout(helper()))\n"
                           "  let c = Red\n  case c do\n    Red -> 1\n    Blue -> 2\n  end\nend\n"};
  Run *r = run_modules(srcs_ok, names, 2);
  CHECK(r->parsed && r->ok, "imports ok: %s", r->diags);
  CHECK(r->prog.main_fn != NULL, "imports main");
  done(r);
  const char *srcs_priv[] = {lib, "from TextUtils import helper\nfn main() = 0\n"};
  r = run_modules(srcs_priv, names, 2);
  CHECK(has_diag(r, "E0035", "private item cannot be imported"), "E0035: %s", r->diags);
  done(r);
  const char *srcs_missing[] = {lib, "from TextUtils import nope\nfn main() = 0\n"};
  r = run_modules(srcs_missing, names, 2);
  CHECK(has_diag(r, "E0034", "`nope` is not exported by module `TextUtils`"), "E0034: %s",
        r->diags);
  done(r);
  const char *srcs_qual[] = {lib, "import TextUtils\nfn main() = TextUtils.helper(\"a\")\n"};
  r = run_modules(srcs_qual, names, 2);
  CHECK(has_diag(r, "E0035", "`helper` is private in module `TextUtils`"), "E0035 qualified: %s",
        r->diags);
  done(r);
  expect_diag("unknown module", "import Nope\nfn main() = 0\n", "E0031", "module not found");
  expect_ok("stdlib import", "import String\nfrom List import reverse\n"
                             "fn main() = println(\"${reverse([1, 2])}\")\n");
}

int main(void) {
  test_schemes();
  test_programs_ok();
  test_more_ok();
  test_diagnostics();
  test_annotations();
  test_annotations_more();
  test_robustness();
  test_imports();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
