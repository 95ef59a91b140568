/* test_driver.c — unit tests of the snowc driver pieces that need no
 * compiler back end: command-line parsing, module naming and discovery,
 * output paths, the manifest reader and the import-graph ordering. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../compiler/driver/cli.h"
#include "../../compiler/driver/graph.h"
#include "../../compiler/driver/link.h"
#include "../../compiler/driver/manifest.h"
#include "../../compiler/driver/project.h"
#include "../../compiler/driver/tempdir.h"

#include "unit.h"
#define CHECK_STR(got, want)                                                                   \
  do {                                                                                         \
    const char *g_ = (got), *w_ = (want);                                                      \
    if (g_ && w_ && strcmp(g_, w_) == 0) {                                                     \
      passed++;                                                                                \
    } else {                                                                                   \
      failed++;                                                                                \
      fprintf(stderr, "FAIL %s:%d: got '%s', want '%s'\n", __FILE__, __LINE__, g_ ? g_ : "(null)", \
              w_ ? w_ : "(null)");                                                             \
    }                                                                                          \
  } while (0)

static int parse(CliOptions *o, char *err, const char *a1, const char *a2, const char *a3, const char *a4,
                 const char *a5) {
  char *argv[7] = {"snowc", (char *)a1, (char *)a2, (char *)a3, (char *)a4, (char *)a5, NULL};
  int argc = 1;
  while (argc < 6 && argv[argc]) argc++;
  return cli_parse(argc, argv, o, err, 256);
}

static void test_cli(void) {
  CliOptions o;
  char err[256];
  CHECK(parse(&o, err, NULL, NULL, NULL, NULL, NULL) == 0 && o.command == CMD_NONE && !o.show_help);
  CHECK(parse(&o, err, "--version", NULL, NULL, NULL, NULL) == 0 && o.show_version);
  CHECK(parse(&o, err, "-V", NULL, NULL, NULL, NULL) == 0 && o.show_version);
  CHECK(parse(&o, err, "-h", NULL, NULL, NULL, NULL) == 0 && o.show_help && o.command == CMD_NONE);
  CHECK(parse(&o, err, "build", "--help", NULL, NULL, NULL) == 0 && o.show_help && o.command == CMD_BUILD);
  CHECK(parse(&o, err, "repl", "-h", NULL, NULL, NULL) == 0 && o.show_help && o.command == CMD_REPL);
  CHECK(parse(&o, err, "frobnicate", NULL, NULL, NULL, NULL) != 0);
  CHECK(strstr(err, "frobnicate") != NULL);
  CHECK(parse(&o, err, "build", "app", "--opt-level", "2", NULL) == 0 && o.opt_level == 2);
  CHECK_STR(o.dir, "app");
  CHECK(parse(&o, err, "build", "--opt-level=255", "app", NULL, NULL) == 0 && o.opt_level == 255);
  CHECK(parse(&o, err, "build", "--opt-level", "256", NULL, NULL) != 0);
  CHECK(parse(&o, err, "build", "--opt-level", "fast", NULL, NULL) != 0);
  CHECK(parse(&o, err, "build", "--opt-level=", NULL, NULL, NULL) != 0);
  CHECK(parse(&o, err, "build", "--opt-level", NULL, NULL, NULL) != 0);
  CHECK(parse(&o, err, "build", "a", "b", NULL, NULL) != 0);
  CHECK(parse(&o, err, "build", "--bogus", NULL, NULL, NULL) != 0);
  CHECK(parse(&o, err, "run", "--emit-llvm", NULL, NULL, NULL) != 0); /* build-only option */
  CHECK(parse(&o, err, "build", "-o", "out/app", "--emit-llvm", "--json") == 0 && o.emit_llvm && o.json);
  CHECK_STR(o.output, "out/app");
  CHECK(o.dir == NULL);
  CHECK(parse(&o, err, "build", "--target=x86_64-unknown-linux-gnu", "--no-color", "--emit-ir", NULL) == 0);
  CHECK_STR(o.target, "x86_64-unknown-linux-gnu");
  CHECK(o.no_color && o.emit_ir);
  CHECK(parse(&o, err, "build", "--", "--weird-dir", NULL, NULL) == 0);
  CHECK_STR(o.dir, "--weird-dir");
  CHECK(parse(&o, err, "run", "shop", "--", "--verbose", "in.csv") == 0);
  CHECK_STR(o.dir, "shop");
  CHECK(o.nprogram_args == 2);
  CHECK_STR(o.program_args[0], "--verbose");
  CHECK_STR(o.program_args[1], "in.csv");
  CHECK(parse(&o, err, "run", "prog.snow", "a", "b", NULL) == 0 && o.nprogram_args == 2);
  CHECK_STR(o.program_args[1], "b");
  CHECK(parse(&o, err, "run", "--", NULL, NULL, NULL) == 0 && o.dir == NULL && o.nprogram_args == 0);
  CHECK(parse(&o, err, "init", NULL, NULL, NULL, NULL) != 0);
  CHECK(parse(&o, err, "help", "build", NULL, NULL, NULL) == 0 && o.command == CMD_HELP);
  CHECK_STR(o.help_topic, "build");
  CHECK(parse(&o, err, "help", "nope", NULL, NULL, NULL) != 0);
  CHECK(parse(&o, err, "build", "--version", NULL, NULL, NULL) != 0); /* top level only */
  CHECK(cli_command_from_name("lsp") == CMD_LSP);
}

static void test_names(Arena *a) {
  CHECK_STR(project_module_name(a, "billing.snow"), "Billing");
  CHECK_STR(project_module_name(a, "text_utils.snow"), "TextUtils");
  CHECK_STR(project_module_name(a, "store/inventory_item.snow"), "Store.InventoryItem");
  CHECK_STR(project_module_name(a, "net/http_v2/frame.snow"), "Net.HttpV2.Frame");
  CHECK_STR(project_module_name(a, "tools/main.snow"), "Tools.Main");
  CHECK_STR(project_module_name(a, "__a__b.snow"), "AB");
  CHECK_STR(project_module_name(a, "user-db.snow"), "User-db");
  CHECK_STR(project_module_name(a, "userDb.snow"), "UserDb");
  CHECK_STR(project_module_name(a, "a/b/c/d.snow"), "A.B.C.D");
  CHECK_STR(project_join(a, NULL, "main.snow"), "main.snow");
  CHECK_STR(project_join(a, "shop", "main.snow"), "shop/main.snow");
  CHECK_STR(project_join(a, "/src/shop/", "shop"), "/src/shop/shop");
  CHECK_STR(project_replace_extension(a, "shop/shop", ".ll"), "shop/shop.ll");
  CHECK_STR(project_replace_extension(a, "out/app.bin", ".ll"), "out/app.ll");
  CHECK_STR(project_replace_extension(a, "my.dir/app", ".o"), "my.dir/app.o");
  CHECK_STR(project_replace_extension(a, ".hidden", ".ir"), ".hidden.ir");
}

static void test_manifest(Arena *a) {
  Manifest m;
  const char *ok = "# comment\n[package]\nname = \"shop\"\nversion = \"0.3.1\"\nauthors = [\"A\", \"B\"]\n"
                   "description = 'x'\n[other]\nk = 5\n";
  CHECK(manifest_parse(a, "shop/snow.toml", ok, strlen(ok), &m) == NULL);
  CHECK_STR(m.name, "shop");
  CHECK_STR(m.version, "0.3.1");
  CHECK(m.ndependencies == 0);
  const char *deps = "[package]\nname = \"a\"\nversion = \"1\"\n[dependencies]\nmoney = { path = \"../m\" }\n";
  CHECK(manifest_parse(a, "snow.toml", deps, strlen(deps), &m) == NULL && m.ndependencies == 1);
  CHECK_STR(m.first_dependency, "money");
  const char *bad = "[package]\nname = \"Shop\"\nversion = \"1\"\n";
  CHECK_STR(manifest_parse(a, "snow.toml", bad, strlen(bad), &m),
            "Invalid package name 'Shop' in snow.toml: must start with a lowercase ASCII letter");
  const char *nopkg = "name = \"x\"\n";
  const char *e = manifest_parse(a, "snow.toml", nopkg, strlen(nopkg), &m);
  CHECK(e && strncmp(e, "Failed to parse manifest: ", 26) == 0);
  const char *broken = "[package\nname = \"x\"\n";
  e = manifest_parse(a, "snow.toml", broken, strlen(broken), &m);
  CHECK(e && strncmp(e, "Failed to parse manifest: ", 26) == 0);
  CHECK(manifest_name_problem("test-project") == NULL);
  CHECK_STR(manifest_name_problem(""), "must not be empty");
  CHECK_STR(manifest_name_problem("a.b"), "may contain only lowercase ASCII letters, digits, underscores and hyphens");
}

static const char *order_of(Arena *a, ModuleImports *mods, int n) {
  int order[16];
  const char *err = import_order(a, mods, n, order);
  if (err) return err;
  char *s = arena_alloc(a, 256);
  for (int i = 0; i < n; i++) {
    if (i) strcat(s, " ");
    strcat(s, mods[order[i]].name);
  }
  return s;
}

static void test_graph(Arena *a) {
  /* discovery order: db, main, orders, users */
  const char *main_imp[] = {"Orders", "Users", "IO"};
  const char *orders_imp[] = {"Db"};
  const char *users_imp[] = {"Db", "Db"};
  ModuleImports mods[] = {{"Db", NULL, 0}, {"Main", main_imp, 3}, {"Orders", orders_imp, 1}, {"Users", users_imp, 2}};
  CHECK_STR(order_of(a, mods, 4), "Db Orders Users Main");

  /* independent modules are ordered by name */
  ModuleImports flat[] = {{"Zed", NULL, 0}, {"Main", NULL, 0}, {"Alpha", NULL, 0}};
  CHECK_STR(order_of(a, flat, 3), "Alpha Main Zed");

  const char *self_imp[] = {"Util"};
  ModuleImports self[] = {{"Main", NULL, 0}, {"Util", self_imp, 1}};
  CHECK_STR(order_of(a, self, 2), "Module 'Util' cannot import itself");

  const char *a_imp[] = {"B"};
  const char *b_imp[] = {"C"};
  const char *c_imp[] = {"B"};
  const char *m_imp[] = {"A"};
  ModuleImports cyc[] = {{"A", a_imp, 1}, {"B", b_imp, 1}, {"C", c_imp, 1}, {"Main", m_imp, 1}};
  CHECK_STR(order_of(a, cyc, 4), "Circular dependency: A -> B -> C -> B");
  const char *x_imp[] = {"Main"};
  const char *main2[] = {"X"};
  ModuleImports two[] = {{"Main", main2, 1}, {"X", x_imp, 1}};
  CHECK_STR(order_of(a, two, 2), "Circular dependency: Main -> X -> Main");
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

static void test_discovery(Arena *a) {
  const char *root = tempdir_create(a);
  CHECK(root != NULL);
  if (!root) return;
  Project p;
  CHECK_STR(project_open(a, arena_printf(a, "%s/missing", root), &p),
            arena_printf(a, "Project directory '%s/missing' does not exist", root));
  write_file(arena_printf(a, "%s/plain", root), "x");
  CHECK_STR(project_open(a, arena_printf(a, "%s/plain", root), &p),
            arena_printf(a, "'%s/plain' is not a directory", root));
  const char *proj = arena_printf(a, "%s/shop", root);
  mkdir(proj, 0777);
  CHECK_STR(project_open(a, proj, &p),
            arena_printf(a, "No 'main.snow' found in '%s'. Snow projects must have a main.snow entry point.", proj));
  write_file(arena_printf(a, "%s/main.snow", proj), "fn main() do end\n");
  mkdir(arena_printf(a, "%s/store", proj), 0777);
  mkdir(arena_printf(a, "%s/.hidden", proj), 0777);
  write_file(arena_printf(a, "%s/store/inventory_item.snow", proj), "");
  write_file(arena_printf(a, "%s/.hidden/x.snow", proj), "");
  write_file(arena_printf(a, "%s/.dot.snow", proj), "");
  write_file(arena_printf(a, "%s/Zeta.snow", proj), "");
  write_file(arena_printf(a, "%s/notes.txt", proj), "");
  write_file(arena_printf(a, "%s/a.snowx", proj), "");
  CHECK(project_open(a, proj, &p) == NULL);
  CHECK(p.nfiles == 3);
  if (p.nfiles == 3) {
    CHECK_STR(p.files[0].rel_path, "Zeta.snow"); /* byte-wise: 'Z' < 'm' < 's' */
    CHECK_STR(p.files[1].rel_path, "main.snow");
    CHECK_STR(p.files[2].rel_path, "store/inventory_item.snow");
    CHECK_STR(p.files[2].module_name, "Store.InventoryItem");
    CHECK_STR(p.files[2].path, arena_printf(a, "%s/store/inventory_item.snow", proj));
    CHECK(p.entry == 1);
    CHECK_STR(p.files[1].module_name, "Main");
  }
  CHECK_STR(project_default_output(a, &p), arena_printf(a, "%s/shop", proj));
  write_file(arena_printf(a, "%s/Main.snow", proj), "");
  CHECK_STR(project_open(a, proj, &p),
            arena_printf(a, "Duplicate module name 'Main': '%s/Main.snow' and '%s/main.snow'", proj, proj));
  unlink(arena_printf(a, "%s/Main.snow", proj));
  write_file(arena_printf(a, "%s/snow.toml", proj), "[package]\nname = \"till\"\nversion = \"1.0\"\n");
  CHECK(project_open(a, proj, &p) == NULL);
  CHECK_STR(project_default_output(a, &p), arena_printf(a, "%s/till", proj));
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  CHECK(system(cmd) == 0);
}

static void test_processes(Arena *a) {
  const char *err = NULL;
  const char *exit7[] = {"-c", "exit 7"};
  CHECK(process_run(a, "/bin/sh", exit7, 2, &err) == 7);
  const char *killed[] = {"-c", "kill -9 $$"};
  CHECK(process_run(a, "/bin/sh", killed, 2, &err) == 128 + 9);
  const char *args[] = {"-c", "[ \"$1\" = 'two words' ] && [ $# = 1 ]", "sh", "two words"};
  CHECK(process_run(a, "/bin/sh", args, 4, &err) == 0);
  err = NULL;
  CHECK(process_run(a, "/nonexistent/program", NULL, 0, &err) == -1);
  CHECK(err && strstr(err, "Failed to run '/nonexistent/program'") != NULL);

  /* The unit test binary lives in build/unit/, where there is no runtime library. */
  err = NULL;
  const char *lib = link_find_runtime(a, &err);
  if (lib) {
    CHECK(strstr(lib, "libsnowrt.a") != NULL);
  } else {
    CHECK(err && strstr(err, "/libsnowrt.a") != NULL && strstr(err, "searched") != NULL);
  }

  const char *dir = tempdir_create(a);
  CHECK(dir != NULL);
  if (!dir) return;
  const char *obj = arena_printf(a, "%s/bogus.o", dir);
  write_file(obj, "this is not an object file");
  const char *link_err = link_executable(a, obj, obj, arena_printf(a, "%s/exe", dir));
  CHECK(link_err && strncmp(link_err, "Linking failed:\n", 16) == 0);
  tempdir_remove(a, dir);
  struct stat st;
  CHECK(stat(dir, &st) != 0); /* removed with its files */
}

int main(void) {
  Arena a;
  arena_init(&a);
  test_cli();
  test_names(&a);
  test_manifest(&a);
  test_graph(&a);
  test_discovery(&a);
  test_processes(&a);
  arena_free(&a);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
