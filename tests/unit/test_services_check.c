/* test_services_check.c — unit tests of the checker side of services and
 * jobs (concurrency.md §13-§14, compiler/check/services.c): snake names,
 * state/reply typing of the synthesized handler functions, the types and
 * references of the generated functions `NAME.start` / `NAME.<snake>`,
 * monomorphic services, the Job signatures, and E0041/E0042. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/check/check.h"
#include "../../compiler/check/types.h"
#include "../../compiler/syntax/parser.h"

#include "check_run.h"
#include "unit.h"


static ServiceDecl *service_named(Run *r, const char *name) {
  for (int i = 0; i < r->m->items.len; i++) {
    Item *it = r->m->items.items[i];
    if (it->kind == ITEM_SERVICE && !strcmp(it->service->name.text, name)) return it->service;
  }
  return NULL;
}

static const char *tstr(Run *r, Type *t) {
  return t ? type_to_string(&r->arena, t) : "(null)";
}

/* The first `Q.m` expression (EXPR_FIELD) in e, depth first. */
static Expr *find_field(Expr *e, const char *q, const char *m, int depth) {
  if (!e || depth > 200) return NULL;
  if (e->kind == EXPR_FIELD && e->target && e->target->kind == EXPR_NAME &&
      !strcmp(e->target->name.text, q) && e->name.text && !strcmp(e->name.text, m))
    return e;
  Expr *kids[] = {e->target, e->lhs, e->rhs, e->then_branch, e->else_branch};
  for (size_t i = 0; i < sizeof kids / sizeof *kids; i++) {
    Expr *f = find_field(kids[i], q, m, depth + 1);
    if (f) return f;
  }
  for (int i = 0; i < e->elems.len; i++) {
    Expr *f = find_field(e->elems.items[i], q, m, depth + 1);
    if (f) return f;
  }
  for (int i = 0; i < e->parts.len; i++) {
    Expr *f = find_field(e->parts.items[i].expr, q, m, depth + 1);
    if (f) return f;
  }
  for (int i = 0; i < e->stmts.len; i++) {
    Expr *f = find_field(e->stmts.items[i]->expr, q, m, depth + 1);
    if (f) return f;
  }
  return NULL;
}

static Expr *main_field(Run *r, const char *q, const char *m) {
  for (int i = 0; i < r->m->items.len; i++) {
    Item *it = r->m->items.items[i];
    if (it->kind == ITEM_FN && !strcmp(it->fn->name.text, "main") && it->fn->clauses.len)
      return find_field(it->fn->clauses.items[0].body, q, m, 0);
  }
  return NULL;
}

static const char bank_src[] =
    "service Bank do\n"
    "  fn init(opening :: Int) -> Int do\n"
    "    opening\n"
    "  end\n"
    "  call Balance() :: Int do |cents|\n"
    "    (cents, cents)\n"
    "  end\n"
    "  call Withdraw(amount :: Int) :: Bool do |cents|\n"
    "    if amount <= cents do (cents - amount, true) else (cents, false) end\n"
    "  end\n"
    "  cast Deposit(amount :: Int) do |cents|\n"
    "    cents + amount\n"
    "  end\n"
    "  cast HTTPGet(path :: String) do |cents|\n"
    "    cents\n"
    "  end\n"
    "end\n"
    "fn main() do\n"
    "  let b = Bank.start(100)\n"
    "  Bank.deposit(b, 50)\n"
    "  let ok = Bank.withdraw(b, 120)\n"
    "  Bank.h_t_t_p_get(b, \"/\")\n"
    "  println(\"${ok} ${Bank.balance(b)}\")\n"
    "end\n";

static void test_bank(void) {
  Run *r = run(bank_src);
  CHECK(r->ok, "bank program checks (diagnostics: %s)", r->diags);
  ServiceDecl *s = service_named(r, "Bank");
  CHECK(s && s->init && s->handler_fns && s->snake, "service annotations are filled");
  if (!s || !s->handler_fns || !s->snake || !s->init) {
    done(r);
    return;
  }
  const char *snakes[] = {"balance", "withdraw", "deposit", "h_t_t_p_get"};
  for (int i = 0; i < 4; i++)
    CHECK(!strcmp(s->snake[i], snakes[i]), "snake name %d is %s (got %s)", i, snakes[i],
          s->snake[i]);
  CHECK(!strcmp(tstr(r, s->init->type), "(Int) -> Int"), "init type (got %s)",
        tstr(r, s->init->type));
  const char *handler_types[] = {"(Int) -> (Int, Int)", "(Int, Int) -> (Int, Bool)",
                                 "(Int, Int) -> Int", "(Int, String) -> Int"};
  for (int i = 0; i < 4; i++)
    CHECK(!strcmp(tstr(r, s->handler_fns[i]->type), handler_types[i]),
          "handler %d has type %s (got %s)", i, handler_types[i], tstr(r, s->handler_fns[i]->type));
  struct {
    const char *m, *type;
    int handler;
  } uses[] = {{"start", "(Int) -> Pid<()>", -1},
              {"deposit", "(Pid<()>, Int) -> ()", 2},
              {"withdraw", "(Pid<()>, Int) -> Bool", 1},
              {"h_t_t_p_get", "(Pid<()>, String) -> ()", 3},
              {"balance", "(Pid<()>) -> Int", 0}};
  for (size_t i = 0; i < sizeof uses / sizeof *uses; i++) {
    Expr *f = main_field(r, "Bank", uses[i].m);
    CHECK(f != NULL, "Bank.%s is used in main", uses[i].m);
    if (!f) continue;
    CHECK(f->ref.kind == REF_SERVICE && f->ref.item && f->ref.item->service == s,
          "Bank.%s is a REF_SERVICE of Bank", uses[i].m);
    CHECK(f->ref.handler == uses[i].handler, "Bank.%s has handler index %d (got %d)", uses[i].m,
          uses[i].handler, f->ref.handler);
    CHECK(!strcmp(tstr(r, f->type), uses[i].type), "Bank.%s : %s (got %s)", uses[i].m, uses[i].type,
          tstr(r, f->type));
  }
  done(r);
}

/* Types a service leaves open are fixed by its uses, once for all callers. */
static void test_monomorphic(void) {
  Run *r = run("service Box do\n"
               "  fn init() do\n"
               "    []\n"
               "  end\n"
               "  call Swap(x) do |s|\n"
               "    (x, s)\n"
               "  end\n"
               "end\n"
               "fn main() do\n"
               "  let b = Box.start()\n"
               "  println(\"${Box.swap(b, [1])}\")\n"
               "end\n");
  CHECK(r->ok, "open service types are inferred from uses (%s)", r->diags);
  ServiceDecl *s = service_named(r, "Box");
  if (s && s->handler_fns)
    CHECK(!strcmp(tstr(r, s->handler_fns[0]->type),
                  "(List<Int>, List<Int>) -> (List<Int>, List<Int>)"),
          "Box.swap fixed by its use (got %s)", tstr(r, s->handler_fns[0]->type));
  done(r);
  r = run("service Box do\n"
          "  call Echo(x) do\n"
          "    ((), x)\n"
          "  end\n"
          "end\n"
          "fn main() do\n"
          "  let b = Box.start()\n"
          "  println(\"${Box.echo(b, 1)}\")\n"
          "  println(Box.echo(b, \"s\"))\n"
          "end\n");
  CHECK(!r->ok && strstr(r->diags, "\"E0001\""),
        "one service function cannot be used at two types (%s)", r->diags);
  done(r);
}

static void test_jobs_typing(void) {
  Run *r = run("fn main() do\n"
               "  let j = Job.async(fn() -> \"x\" end)\n"
               "  let r :: Result<String, String> = Job.await(j)\n"
               "  let t :: Result<String, String> = Job.await_timeout(j, 5)\n"
               "  let m :: List<Result<Bool, String>> = Job.map([1, 2], fn(x) -> x > 1 end)\n"
               "  println(\"${r} ${t} ${m}\")\n"
               "end\n");
  CHECK(r->ok, "Job functions have the §14 types (%s)", r->diags);
  Expr *f = main_field(r, "Job", "async");
  CHECK(f && !strcmp(tstr(r, f->type), "(() -> String) -> Pid<String>"),
        "Job.async instance (got %s)", f ? tstr(r, f->type) : "-");
  done(r);
}

static void expect_diag(const char *src, const char *code, const char *headline) {
  Run *r = run(src);
  char want[300];
  snprintf(want, sizeof want, "\"%s\"", code);
  CHECK(!r->ok && strstr(r->diags, want) && strstr(r->diags, headline), "%s %s (got %s)", code,
        headline, r->diags);
  done(r);
}

static void test_diagnostics(void) {
  expect_diag("service S do\n  cast A() do\n    ()\n  end\n  call A() do\n    ((), 1)\n  end\nend\n"
              "fn main() do\nend\n",
              "E0041", "duplicate handler `A` in service `S`");
  expect_diag("service S do\n  cast GetX() do\n    ()\n  end\n  cast Get_x() do\n    ()\n  end\n"
              "end\nfn main() do\nend\n",
              "E0041", "duplicate handler `Get_x` in service `S`");
  expect_diag("service S do\n  cast Start() do\n    ()\n  end\nend\nfn main() do\nend\n", "E0041",
              "duplicate handler `Start` in service `S`");
  expect_diag("service S do\n  cast Receive() do\n    ()\n  end\nend\nfn main() do\nend\n", "E0041",
              "handler name `receive` is a reserved word");
  expect_diag("service S do\n  fn init() do\n    1\n  end\n  fn other() do\n    2\n  end\nend\n"
              "fn main() do\nend\n",
              "E0042", "only `init` may be defined in a service body");
  expect_diag("service S do\n  fn helper() do\n    1\n  end\nend\nfn main() do\nend\n", "E0042",
              "only `init` may be defined in a service body");
  expect_diag("service S do\n  fn init() -> Int do\n    1\n  end\n  call Get() :: Int do |n|\n"
              "    n\n  end\nend\nfn main() do\nend\n",
              "E0001", "expected (Int, Int), found Int");
  expect_diag("service S do\n  fn init() -> Int do\n    1\n  end\n  cast Set(s :: String) do |n|\n"
              "    s\n  end\nend\nfn main() do\nend\n",
              "E0001", "expected Int, found String");
  expect_diag("service S do\n  cast Ping() do\n    ()\n  end\nend\n"
              "fn main() do\n  let s = S.start()\n  S.pong(s)\nend\n",
              "E0004", "undefined variable: S.pong");
  expect_diag("service S do\n  cast Ping(n :: Int) do\n    ()\n  end\nend\n"
              "fn main() do\n  let s = S.start()\n  S.ping(s)\nend\n",
              "E0003", "");
}

int main(void) {
  test_bank();
  test_monomorphic();
  test_jobs_typing();
  test_diagnostics();
  return unit_summary();
}
