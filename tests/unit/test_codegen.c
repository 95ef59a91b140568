/* test_codegen.c — the LLVM backend on hand-built IR: each program is
 * compiled to an object file, linked with the runtime library and run; its
 * stdout, stderr and exit status are compared with the expected ones.
 *
 * Run from the repository root (the runtime library is the one of this
 * test's build directory, or $SNOW_RUNTIME_LIB). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../compiler/check/check.h"
#include "../../compiler/codegen/backend.h"
#include "../../compiler/codegen/codegen.h"
#include "../../compiler/codegen/rt_decls.h"
#include "../../compiler/ir/ir.h"
#include "../../compiler/ir/passes.h"
#include "../../compiler/syntax/parser.h"
#include "snow_rt.h"

#include "unit.h"


static Arena arena;
static char workdir[256];

typedef struct RunResult {
  int compiled; /* backend returned 0 */
  int linked;
  int status; /* exit status */
  char out[4096];
  char err[4096];
  char diag[1024]; /* what the backend reported */
} RunResult;

static void read_file(const char *path, char *buf, size_t cap) {
  buf[0] = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return;
  size_t n = fread(buf, 1, cap - 1, f);
  buf[n] = 0;
  fclose(f);
}

/* Links the object `obj` into `exe` and runs it into r. */
static void link_and_run(RunResult *r, const char *name, const char *obj);

/* Compiles `m` (after the self-tail-call pass), links and runs it. */
static RunResult *run_module(IrModule *m, const char *name, const char *triple, const char *ll) {
  static RunResult r;
  memset(&r, 0, sizeof r);
  ir_pass_self_tail_calls(&arena, m);
  char obj[512], diag_path[512];
  snprintf(obj, sizeof obj, "%s/%s.o", workdir, name);
  snprintf(diag_path, sizeof diag_path, "%s/%s.diag", workdir, name);
  FILE *diag_out = fopen(diag_path, "w");
  DiagContext dc;
  diag_init(&dc, &arena, false, false, diag_out);
  CodegenOptions opts = {.opt_level = 0, .target_triple = triple, .obj_path = obj, .ll_path = ll};
  r.compiled = backend_compile(&dc, m, &opts) == 0;
  fclose(diag_out);
  read_file(diag_path, r.diag, sizeof r.diag);
  if (!r.compiled) return &r;
  link_and_run(&r, name, obj);
  return &r;
}

/* The runtime library of the build this test belongs to: $SNOW_RUNTIME_LIB,
 * else libsnowrt.a beside the unit-test directory (BUILD/unit/..). */
static const char *runtime_lib(void) {
  static char path[1024];
  const char *env = getenv("SNOW_RUNTIME_LIB");
  if (env) return env;
  if (path[0]) return path;
  char self[900];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "build/libsnowrt.a";
  self[n] = 0;
  char *slash = strrchr(self, '/');
  if (slash) *slash = 0;
  snprintf(path, sizeof path, "%s/../libsnowrt.a", self);
  return path;
}

static void link_and_run(RunResult *r, const char *name, const char *obj) {
  char exe[512], out[512], err[512], cmd[2048];
  snprintf(exe, sizeof exe, "%s/%s", workdir, name);
  snprintf(out, sizeof out, "%s/%s.stdout", workdir, name);
  snprintf(err, sizeof err, "%s/%s.stderr", workdir, name);
  snprintf(cmd, sizeof cmd, "cc -o %s %s %s -lm -lpthread 2>%s.link", exe, obj, runtime_lib(),
           exe);
  r->linked = system(cmd) == 0;
  if (!r->linked) {
    char linkerr[512];
    snprintf(cmd, sizeof cmd, "%s.link", exe);
    read_file(cmd, linkerr, sizeof linkerr);
    printf("  (link of %s failed: %.300s)\n", name, linkerr);
    return;
  }
  snprintf(cmd, sizeof cmd, "%s >%s 2>%s", exe, out, err);
  int st = system(cmd);
  r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  read_file(out, r->out, sizeof r->out);
  read_file(err, r->err, sizeof r->err);
}

/* Snow source through parser, checker and codegen_program (lowering, IR
 * passes, backend), then linked and run. The typed IR is kept in r->ir. */
static char ir_text[65536];
static RunResult *run_source(const char *name, const char *src, int opt_level) {
  static RunResult r;
  memset(&r, 0, sizeof r);
  char obj[512], ir[512], diag_path[512];
  snprintf(obj, sizeof obj, "%s/%s.o", workdir, name);
  snprintf(ir, sizeof ir, "%s/%s.ir", workdir, name);
  snprintf(diag_path, sizeof diag_path, "%s/%s.diag", workdir, name);
  FILE *diag_out = fopen(diag_path, "w");
  DiagContext dc;
  diag_init(&dc, &arena, false, false, diag_out);
  SourceFile *sf = source_from_bytes(&arena, "test.snow", src, strlen(src));
  sf->module_name = "Main";
  Module *mod = parse_module(&arena, &dc, sf);
  mod->name = "Main";
  Program prog = {0};
  prog.modules = &mod;
  prog.nmodules = 1;
  prog.entry = mod;
  bool ok = !mod->has_parse_errors && check_program(&arena, &dc, &prog) && prog.main_fn;
  diag_flush(&dc);
  if (ok) {
    CodegenOptions opts = {.opt_level = opt_level, .obj_path = obj, .ir_path = ir};
    r.compiled = codegen_program(&arena, &dc, &prog, &opts) == 0;
  }
  fclose(diag_out);
  read_file(diag_path, r.diag, sizeof r.diag);
  read_file(ir, ir_text, sizeof ir_text);
  if (!r.compiled) {
    printf("  (%s did not compile: %.400s)\n", name, r.diag);
    return &r;
  }
  link_and_run(&r, name, obj);
  return &r;
}

/* ---- IR building shorthands ---- */

static IrModule *new_module(void) {
  return ARENA_NEW(&arena, IrModule);
}

static IrFunc *new_main(IrModule *m) {
  IrFunc *f = ir_func_new(&arena, m, "snow.main", 0, false);
  f->file = "test.snow";
  m->main_fn = f;
  f->body = ir_seq(&arena);
  return f;
}

static IrNode *str(const char *s) {
  return ir_string(&arena, s, (uint32_t)strlen(s));
}
static IrNode *println(IrNode *s) {
  return ir_call_rt(&arena, RT_PRINTLN, 1, s);
}
static IrNode *int_text(IrNode *v) {
  return ir_call_rt(&arena, RT_INT_TO_STRING, 1, v);
}
static IrNode *I(int64_t v) {
  return ir_int(&arena, v);
}
static IrNode *V(int slot) {
  return ir_var(&arena, slot);
}
static void add(IrFunc *f, IrNode *n) {
  ir_add_kid(&arena, f->body, n);
}

static IrNode *call2(IrFunc *fn, IrNode *a, IrNode *b) {
  IrNode *args[] = {a, b};
  return ir_call(&arena, fn, args, 2);
}

/* ---- programs ---- */

static void test_hello(void) {
  IrModule *m = new_module();
  IrFunc *f = new_main(m);
  add(f, println(str("hello, world")));
  char ll[512];
  snprintf(ll, sizeof ll, "%s/hello.ll", workdir);
  RunResult *r = run_module(m, "hello", NULL, ll);
  CHECK(r->compiled && r->linked, "hello builds: %s", r->diag);
  CHECK(strcmp(r->out, "hello, world\n") == 0, "hello output: '%s'", r->out);
  CHECK(r->status == 0, "hello status %d", r->status);
  char text[4096];
  read_file(ll, text, sizeof text);
  CHECK(strstr(text, "snow_println") != NULL, ".ll mentions snow_println");
  CHECK(strstr(text, "define") != NULL, ".ll has definitions");
}

static void test_int_arith(void) {
  IrModule *m = new_module();
  /* div(a, b) and mod(a, b) as functions so nothing is constant folded */
  IrFunc *dv = ir_func_new(&arena, m, "div", 2, false);
  dv->file = "test.snow";
  dv->body = ir_bin(&arena, IB_IDIV, V(0), V(1), 3);
  IrFunc *md = ir_func_new(&arena, m, "mod", 2, false);
  md->file = "test.snow";
  md->body = ir_bin(&arena, IB_IMOD, V(0), V(1), 4);
  IrFunc *ad = ir_func_new(&arena, m, "add", 2, false);
  ad->body = ir_bin(&arena, IB_IADD, V(0), V(1), 5);
  IrFunc *f = new_main(m);
  IrNode *parts = ir_node(&arena, IR_CONCAT, 0);
  IrNode *vals[] = {
      call2(dv, I(7), I(2)),         call2(dv, I(-7), I(2)),         call2(md, I(-7), I(2)),
      call2(md, I(7), I(-2)),        call2(dv, I(INT64_MIN), I(-1)), call2(md, I(INT64_MIN), I(-1)),
      call2(ad, I(INT64_MAX), I(1)),
  };
  for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
    if (i) ir_add_kid(&arena, parts, str(" "));
    ir_add_kid(&arena, parts, int_text(vals[i]));
  }
  add(f, println(parts));
  add(f, println(int_text(call2(dv, I(1), I(0)))));
  add(f, println(str("not reached")));
  RunResult *r = run_module(m, "arith", NULL, NULL);
  CHECK(r->compiled && r->linked, "arith builds: %s", r->diag);
  CHECK(strcmp(r->out, "3 -3 -1 1 -9223372036854775808 0 -9223372036854775808\n") == 0,
        "arith output: '%s'", r->out);
  CHECK(r->status == 134, "division by zero exits 134, got %d", r->status);
  CHECK(strstr(r->err, "division by zero") && strstr(r->err, "test.snow:3"),
        "division by zero message: '%s'", r->err);
}

static void test_float(void) {
  IrModule *m = new_module();
  IrFunc *fa = ir_func_new(&arena, m, "fadd", 2, false);
  fa->body = ir_bin(&arena, IB_FADD, V(0), V(1), 1);
  IrFunc *fm = ir_func_new(&arena, m, "fmod", 2, false);
  fm->body = ir_bin(&arena, IB_FMOD, V(0), V(1), 1);
  IrFunc *flt = ir_func_new(&arena, m, "flt", 2, false);
  flt->body = ir_bin(&arena, IB_FLT, V(0), V(1), 1);
  IrFunc *f = new_main(m);
  IrNode *parts = ir_node(&arena, IR_CONCAT, 0);
  ir_add_kid(&arena, parts,
             ir_call_rt(&arena, RT_FLOAT_TO_STRING, 1,
                        call2(fa, ir_float(&arena, 0.1), ir_float(&arena, 0.2))));
  ir_add_kid(&arena, parts, str(" "));
  ir_add_kid(&arena, parts,
             ir_call_rt(&arena, RT_FLOAT_TO_STRING, 1,
                        call2(fm, ir_float(&arena, -7.5), ir_float(&arena, 2.0))));
  ir_add_kid(&arena, parts, str(" "));
  ir_add_kid(&arena, parts,
             ir_call_rt(&arena, RT_BOOL_TO_STRING, 1,
                        call2(flt, ir_float(&arena, 0.0 / 0.0), ir_float(&arena, 1.0))));
  ir_add_kid(&arena, parts, str(" "));
  ir_add_kid(
      &arena, parts,
      ir_call_rt(&arena, RT_FLOAT_TO_STRING, 1, ir_un(&arena, IU_FNEG, ir_float(&arena, 0.0))));
  add(f, println(parts));
  RunResult *r = run_module(m, "float", NULL, NULL);
  CHECK(r->compiled && r->linked, "float builds: %s", r->diag);
  CHECK(strcmp(r->out, "0.30000000000000004 -1.5 false -0.0\n") == 0, "float output: '%s'", r->out);
}

/* count(n, acc) = if n == 0 then acc else count(n - 1, acc + 1)
 * swap(a, b, n) = if n == 0 then a else swap(b, a, n - 1) */
static void test_self_tail_calls(void) {
  IrModule *m = new_module();
  IrFunc *count = ir_func_new(&arena, m, "count", 2, false);
  IrNode *rec =
      call2(count, ir_bin(&arena, IB_ISUB, V(0), I(1), 1), ir_bin(&arena, IB_IADD, V(1), I(1), 1));
  count->body = ir_if(&arena, ir_bin(&arena, IB_IEQ, V(0), I(0), 1), V(1), rec);
  IrFunc *swap = ir_func_new(&arena, m, "swap", 3, false);
  IrNode *args[] = {V(1), V(0), ir_bin(&arena, IB_ISUB, V(2), I(1), 1)};
  IrNode *srec = ir_call(&arena, swap, args, 3);
  swap->body = ir_if(&arena, ir_bin(&arena, IB_IEQ, V(2), I(0), 1), V(0), ir_return(&arena, srec));
  IrFunc *f = new_main(m);
  add(f, println(int_text(call2(count, I(10000000), I(0)))));
  IrNode *a3[] = {I(1), I(2), I(3)};
  IrNode *a4[] = {I(1), I(2), I(4)};
  IrNode *parts = ir_node(&arena, IR_CONCAT, 0);
  ir_add_kid(&arena, parts, int_text(ir_call(&arena, swap, a3, 3)));
  ir_add_kid(&arena, parts, int_text(ir_call(&arena, swap, a4, 3)));
  add(f, println(parts));
  RunResult *r = run_module(m, "tail", NULL, NULL);
  CHECK(count->body->op == IR_LOOP, "count became a loop");
  CHECK(r->compiled && r->linked, "tail builds: %s", r->diag);
  CHECK(strcmp(r->out, "10000000\n21\n") == 0, "tail output: '%s'", r->out);
}

/* A closure adding its capture; a record with a tag; immediates. */
static void test_closures_records(void) {
  IrModule *m = new_module();
  IrFunc *adder = ir_func_new(&arena, m, "adder", 1, true);
  adder->body = ir_bin(&arena, IB_IADD, V(0), ir_field(&arena, ir_node(&arena, IR_ENV, 0), 1), 1);
  IrFunc *f = new_main(m);
  int c = ir_new_slot(&arena, f, "c");
  IrNode *clo = ir_node(&arena, IR_CLOSURE, 0);
  clo->fn = adder;
  ir_add_kid(&arena, clo, I(5));
  add(f, ir_set(&arena, c, clo));
  IrNode *call = ir_node(&arena, IR_CALL_CLOSURE, 0);
  ir_add_kid(&arena, call, V(c));
  ir_add_kid(&arena, call, I(10));
  int rec = ir_new_slot(&arena, f, "rec");
  IrNode *record = ir_node(&arena, IR_RECORD, 0);
  record->ival = 3;
  record->ptrmap = 2;
  ir_add_kid(&arena, record, I(7));
  ir_add_kid(&arena, record, str("seven"));
  add(f, ir_set(&arena, rec, record));
  IrNode *parts = ir_node(&arena, IR_CONCAT, 0);
  ir_add_kid(&arena, parts, int_text(call));
  ir_add_kid(&arena, parts, str(" "));
  ir_add_kid(&arena, parts, int_text(ir_tag(&arena, V(rec))));
  ir_add_kid(&arena, parts, int_text(ir_tag(&arena, I(2))));
  ir_add_kid(&arena, parts, str(" "));
  ir_add_kid(&arena, parts, int_text(ir_field(&arena, V(rec), 0)));
  ir_add_kid(&arena, parts, ir_field(&arena, V(rec), 1));
  /* switch on the tag */
  IrNode *sw = ir_node(&arena, IR_SWITCH, 0);
  ir_add_kid(&arena, sw, ir_tag(&arena, V(rec)));
  sw->ncases = 2;
  sw->cases = ARENA_ARRAY(&arena, int64_t, 2);
  sw->cases[0] = 1;
  sw->cases[1] = 3;
  ir_add_kid(&arena, sw, str(" one"));
  ir_add_kid(&arena, sw, str(" three"));
  ir_add_kid(&arena, sw, str(" other"));
  ir_add_kid(&arena, parts, sw);
  add(f, println(parts));
  RunResult *r = run_module(m, "closure", NULL, NULL);
  CHECK(r->compiled && r->linked, "closure builds: %s", r->diag);
  CHECK(strcmp(r->out, "15 32 7seven three\n") == 0, "closure output: '%s'", r->out);
}

static void test_no_match_panic(void) {
  IrModule *m = new_module();
  IrFunc *f = new_main(m);
  add(f, println(str("before")));
  add(f, ir_node(&arena, IR_PANIC_NO_MATCH, 12));
  RunResult *r = run_module(m, "nomatch", NULL, NULL);
  CHECK(r->status == 134, "no-match status %d", r->status);
  CHECK(strcmp(r->out, "before\n") == 0, "no-match stdout '%s'", r->out);
  CHECK(strstr(r->err, "non-exhaustive match") && strstr(r->err, "test.snow:12"),
        "no-match stderr '%s'", r->err);
}

static void test_bad_triple(void) {
  IrModule *m = new_module();
  new_main(m);
  RunResult *r = run_module(m, "triple", "nonsense-triple-xyz", NULL);
  CHECK(!r->compiled, "invalid triple fails");
  CHECK(strncmp(r->diag, "error: Invalid target triple 'nonsense-triple-xyz': ", 52) == 0,
        "triple message: '%s'", r->diag);
}

/* Every runtime table row is declared in snow_rt.h (`symbol(` appears in the
 * header) and defined in the runtime library (`nm` lists it as text). */
static void test_rt_table(void) {
  static char header[1 << 17], symbols[1 << 18];
  read_file("runtime/include/snow_rt.h", header, sizeof header);
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "nm -g --defined-only %s 2>/dev/null", runtime_lib());
  FILE *nm = popen(cmd, "r");
  size_t n = nm ? fread(symbols, 1, sizeof symbols - 1, nm) : 0;
  symbols[n] = 0;
  if (nm) pclose(nm);
  CHECK(header[0] && symbols[0], "runtime header and library are readable");
  for (int id = 0; id < RT__COUNT; id++) {
    char decl[128], def[128];
    snprintf(decl, sizeof decl, "%s(", rt_decls[id].symbol);
    snprintf(def, sizeof def, " T %s\n", rt_decls[id].symbol);
    CHECK(strstr(header, decl) != NULL, "%s is declared in snow_rt.h", rt_decls[id].symbol);
    CHECK(strstr(symbols, def) != NULL, "%s is defined in the runtime library",
          rt_decls[id].symbol);
  }
  CHECK(strcmp(SNOW_RT_CODE_SECTION, SNOW_CODE_SECTION) == 0,
        "compiler and runtime agree on the generated code's section");
}

/* ---- Snow programs through the whole back half of the pipeline ---- */

static const char tail_src[] = "fn countdown(n) do\n"
                               "  if n == 0 do\n"
                               "    \"done\"\n"
                               "  else\n"
                               "    countdown(n - 1)\n"
                               "  end\n"
                               "end\n"
                               "fn acc(0, total) = total\n"
                               "fn acc(n, total) = acc(n - 1, total + n)\n"
                               "fn swap(a, b, n) do\n"
                               "  if n == 0 do\n"
                               "    \"${a} ${b}\"\n"
                               "  else\n"
                               "    swap(b, a, n - 1)\n"
                               "  end\n"
                               "end\n"
                               "fn main() do\n"
                               "  println(countdown(1000000))\n"
                               "  println(\"${acc(10000000, 0)}\")\n"
                               "  println(swap(1, 2, 3) <> \" / \" <> swap(1, 2, 4))\n"
                               "end\n";

static void test_source_tail_calls(void) {
  for (int opt = 0; opt <= 2; opt += 2) {
    RunResult *r = run_source(opt ? "src_tail_o2" : "src_tail_o0", tail_src, opt);
    CHECK(r->status == 0, "tail program (O%d) exits 0, got %d: %.200s", opt, r->status, r->err);
    CHECK(strcmp(r->out, "done\n50000005000000\n2 1 / 1 2\n") == 0, "tail output (O%d): '%s'", opt,
          r->out);
    CHECK(strstr(ir_text, "(loop") && strstr(ir_text, "(continue)"),
          "self tail calls are loops in the IR");
  }
}

static const char match_src[] =
    "type Shape do\n"
    "  Circle(Float)\n"
    "  Rect(Float, Float)\n"
    "  Dot\n"
    "end deriving(Display, Debug)\n"
    "struct Item do\n"
    "  name :: String\n"
    "  qty :: Int\n"
    "end\n"
    "fn kind(pair) do\n"
    "  case pair do\n"
    "    (0, 0) -> \"origin\"\n"
    "    (0, _) | (_, 0) -> \"axis\"\n"
    "    (x, y) when x == y -> \"diagonal\"\n"
    "    _ -> \"plane\"\n"
    "  end\n"
    "end\n"
    "fn first_two(xs) do\n"
    "  case xs do\n"
    "    a :: b :: _ -> \"${a} then ${b}\"\n"
    "    one :: _ -> \"only ${one}\"\n"
    "    _ -> \"empty\"\n"
    "  end\n"
    "end\n"
    "fn area(Circle(r)) = 3.0 * r * r\n"
    "fn area(Rect(w, h)) = w * h\n"
    "fn id(x) = x\n"
    "fn main() do\n"
    "  println(kind((0, 0)) <> \" \" <> kind((0, 7)) <> \" \" <> kind((3, 3)) <> \" \" <> kind((2, "
    "5)))\n"
    "  println(first_two([9, 8, 7]) <> \", \" <> first_two([4]) <> \", \" <> first_two([]))\n"
    "  let it = Item { qty: 3, name: \"bolt\" }\n"
    "  println(\"${it} ${[Circle(1.5), Dot]} ${Some(\"s\")} ${(1, \"x\")}\")\n"
    "  println([\"p\", \"q\"].inspect() <> \" \" <> Some(\"x\").inspect())\n"
    "  println(\"${id(1)} ${id(\"two\")} ${map([1.0, 2.0], Circle)} ${compare(it, it)}\")\n"
    "  println(\"${area(Rect(2.0, 3.0))}\")\n"
    "  println(\"${area(Dot)}\")\n"
    "end\n";

static void test_source_matching(void) {
  RunResult *r = run_source("src_match", match_src, 0);
  CHECK(strcmp(r->out, "origin axis diagonal plane\n"
                       "9 then 8, only 4, empty\n"
                       "Item { name: bolt, qty: 3 } [Circle(1.5), Dot] Some(s) (1, x)\n"
                       "[\"p\", \"q\"] Some(\"x\")\n"
                       "1 two [Circle(1.0), Circle(2.0)] Equal\n"
                       "6.0\n") == 0,
        "match output: '%s'", r->out);
  CHECK(r->status == 134, "non-exhaustive clauses panic with 134, got %d", r->status);
  CHECK(strstr(r->err, "non-exhaustive match at test.snow:25"), "panic location: '%s'", r->err);
  CHECK(strstr(ir_text, "@Main.id<Int>") && strstr(ir_text, "@Main.id<String>"),
        "one instance of id per type");
  CHECK(strstr(ir_text, "(switch"), "constructor patterns switch on the tag");
}

int main(void) {
  arena_init(&arena);
  snprintf(workdir, sizeof workdir, "/tmp/snow_test_codegen_%d", (int)getpid());
  char cmd[300];
  snprintf(cmd, sizeof cmd, "mkdir -p %s", workdir);
  if (system(cmd) != 0) return 1;
  test_rt_table();
  test_hello();
  test_int_arith();
  test_float();
  test_self_tail_calls();
  test_closures_records();
  test_no_match_panic();
  test_bad_triple();
  test_source_tail_calls();
  test_source_matching();
  if (failed) {
    printf("(outputs kept in %s)\n", workdir);
  } else {
    snprintf(cmd, sizeof cmd, "rm -rf %s", workdir);
    if (system(cmd) != 0) return 1;
  }
  arena_free(&arena);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
