/* main.c — `snowc` entry point: dispatches the subcommands of tooling.md §1.
 * Only build and run are implemented; the other subcommands say so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/arena.h"
#include "bigstack.h"
#include "build.h"
#include "cli.h"
#include "link.h"
#include "tempdir.h"

static bool want_color(const CliOptions *o) {
  if (o->no_color || o->json) return false;
  const char *no_color = getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return isatty(2);
}

static bool is_single_file(const char *arg) {
  size_t n = strlen(arg);
  struct stat st;
  return n > 5 && strcmp(arg + n - 5, ".snow") == 0 && stat(arg, &st) == 0 && S_ISREG(st.st_mode);
}

typedef struct BuildCall {
  Arena *arena;
  const BuildRequest *req;
  const char **exe;
} BuildCall;

static int build_call(void *p) {
  BuildCall *call = p;
  return build_project(call->arena, call->req, call->exe);
}

/* Compiles on the big compiler stack (bigstack.h); the program itself is
 * later run from the main thread, so it is a child of snowc's main task. */
static int build_on_big_stack(Arena *a, const BuildRequest *req, const char **exe) {
  BuildCall call = {a, req, exe};
  return run_on_big_stack(build_call, &call);
}

static int run_command(Arena *a, const CliOptions *o) {
  BuildRequest req = {0};
  req.dir = o->dir;
  req.output = o->output;
  req.target = o->target;
  req.opt_level = o->opt_level;
  req.emit_llvm = o->emit_llvm;
  req.emit_ir = o->emit_ir;
  req.json = o->json;
  req.color = want_color(o);
  req.dump_ast = o->dump_ast;

  if (o->command == CMD_BUILD) {
    const char *exe;
    return build_on_big_stack(a, &req, &exe);
  }

  /* run */
  const char *tmp = NULL;
  if (o->dir && is_single_file(o->dir)) {
    req.single_file = o->dir;
    req.dir = NULL;
    if (!req.output) {
      tmp = tempdir_create(a);
      if (!tmp) {
        fprintf(stderr, "error: Failed to create a temporary directory\n");
        return 1;
      }
      const char *base = strrchr(o->dir, '/');
      base = base ? base + 1 : o->dir;
      req.output = arena_printf(a, "%s/%.*s", tmp, (int)(strlen(base) - 5), base);
    }
  }
  const char *exe;
  int status = build_on_big_stack(a, &req, &exe);
  if (status == 0) {
    const char *err = NULL;
    status = process_run(a, exe, o->program_args, o->nprogram_args, &err);
    if (status < 0) {
      fprintf(stderr, "error: %s\n", err);
      status = 1;
    }
  }
  if (tmp) tempdir_remove(a, tmp);
  return status;
}

int main(int argc, char **argv) {
  CliOptions opts;
  char err[512];
  if (cli_parse(argc, argv, &opts, err, sizeof err) != 0) {
    fprintf(stderr, "error: %s\n\n", err);
    cli_print_usage(stderr, opts.command);
    return 2;
  }
  if (opts.show_version) {
    puts("snowc 0.1.0");
    return 0;
  }
  if (opts.show_help) {
    cli_print_help(stdout, opts.command);
    return 0;
  }
  switch (opts.command) {
  case CMD_NONE:
    cli_print_missing_command(stderr);
    return 2;
  case CMD_HELP:
    cli_print_help(stdout, opts.help_topic ? cli_command_from_name(opts.help_topic) : CMD_NONE);
    return 0;
  case CMD_BUILD:
  case CMD_RUN: {
    Arena arena;
    arena_init(&arena);
    int status = run_command(&arena, &opts);
    arena_free(&arena);
    return status;
  }
  default:
    fprintf(stderr, "error: '%s' is not implemented yet\n", cli_command_name(opts.command));
    return 1;
  }
}
