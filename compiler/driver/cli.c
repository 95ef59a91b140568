/* cli.c — argument parsing and help texts for `snowc` (see cli.h). */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct CommandInfo {
  Command cmd;
  const char *name;
  const char *summary;
  const char *usage;
  const char *options; /* option list printed by --help */
} CommandInfo;

static const CommandInfo commands[] = {
    {CMD_BUILD, "build", "Compile a project (and its dependencies) into a native executable",
     "snowc build [DIR] [OPTIONS]",
     "  --opt-level <N>      Optimisation level 0-255 (0: none, 1: light, 2+: full) [default: 0]\n"
     "  --emit-llvm          Also write textual LLVM IR next to the executable\n"
     "  --emit-ir            Also write the typed intermediate representation (debugging)\n"
     "  -o, --output <PATH>  Path of the executable to produce\n"
     "  --target <TRIPLE>    Generate code for this target triple [default: host]\n"
     "  --json               Diagnostics as JSON lines\n"
     "  --no-color           Diagnostics without ANSI colours\n"
     "  --dump-ast           Print the syntax tree of every module (debugging)\n"
     "  -h, --help           Print help\n"},
    {CMD_RUN, "run", "Build a project (or a single FILE.snow), then run the executable",
     "snowc run [DIR|FILE.snow] [OPTIONS] [-- ARGS...]",
     "  --opt-level <N>      Optimisation level 0-255 [default: 0]\n"
     "  -o, --output <PATH>  Path of the executable to produce\n"
     "  --json               Diagnostics as JSON lines\n"
     "  --no-color           Diagnostics without ANSI colours\n"
     "  -h, --help           Print help\n"
     "Arguments after `--` (and extra positional arguments) are passed to the program.\n"},
    {CMD_INIT, "init", "Create a new project directory", "snowc init <NAME>",
     "  -h, --help           Print help\n"},
    {CMD_DEPS, "deps", "Resolve and fetch dependencies, write the lockfile",
     "snowc deps [DIR] [--update]",
     "  --update             Re-resolve all dependencies\n"
     "  -h, --help           Print help\n"},
    {CMD_FMT, "fmt", "Format Snow source files in place, or check them",
     "snowc fmt [PATH]... [--check]",
     "  --check              Report files that need formatting, change nothing\n"
     "  -h, --help           Print help\n"},
    {CMD_REPL, "repl", "Start an interactive REPL with JIT compilation", "snowc repl",
     "  -h, --help           Print help\n"},
    {CMD_LSP, "lsp", "Run the language server on stdin/stdout", "snowc lsp",
     "  -h, --help           Print help\n"},
    {CMD_HELP, "help", "Print help for snowc or for one subcommand", "snowc help [COMMAND]",
     "  -h, --help           Print help\n"},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static const CommandInfo *info_of(Command c) {
  for (int i = 0; i < NCOMMANDS; i++)
    if (commands[i].cmd == c) return &commands[i];
  return NULL;
}

Command cli_command_from_name(const char *name) {
  for (int i = 0; i < NCOMMANDS; i++)
    if (strcmp(commands[i].name, name) == 0) return commands[i].cmd;
  return CMD_NONE;
}

const char *cli_command_name(Command c) {
  const CommandInfo *ci = info_of(c);
  return ci ? ci->name : "snowc";
}

static void print_command_list(FILE *out) {
  fputs("Commands:\n", out);
  for (int i = 0; i < NCOMMANDS; i++) fprintf(out, "  %-6s  %s\n", commands[i].name, commands[i].summary);
}

void cli_print_usage(FILE *out, Command c) {
  const CommandInfo *ci = info_of(c);
  if (ci && c != CMD_HELP)
    fprintf(out, "Usage: %s\n", ci->usage);
  else
    fputs("Usage: snowc <COMMAND> [ARGS] [OPTIONS]\n", out);
}

void cli_print_help(FILE *out, Command c) {
  const CommandInfo *ci = info_of(c);
  if (!ci) {
    fputs("snowc 0.1.0 — the Snow compiler and toolchain\n\n", out);
    fputs("Usage: snowc <COMMAND> [ARGS] [OPTIONS]\n\n", out);
    print_command_list(out);
    fputs("\nOptions:\n  -h, --help     Print help\n  -V, --version  Print version\n", out);
    fputs("\nSee 'snowc help <COMMAND>' for more information on a command.\n", out);
    return;
  }
  fprintf(out, "%s\n\nUsage: %s\n\nOptions:\n%s", ci->summary, ci->usage, ci->options);
}

void cli_print_missing_command(FILE *out) {
  fputs("error: a subcommand is required\n\n", out);
  print_command_list(out);
  fputs("\n", out);
  cli_print_usage(out, CMD_NONE);
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return 1;
}

/* Integer 0..255, digits only. */
static bool parse_opt_level(const char *s, int *out) {
  if (!*s) return false;
  long v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') return false;
    v = v * 10 + (*p - '0');
    if (v > 255) return false;
  }
  *out = (int)v;
  return true;
}

typedef enum OptKind { OPT_FLAG, OPT_VALUE } OptKind;
typedef struct OptSpec {
  const char *name;
  OptKind kind;
  unsigned commands; /* bit per Command */
} OptSpec;

#define BIT(c) (1u << (c))
static const OptSpec option_specs[] = {
    {"--opt-level", OPT_VALUE, BIT(CMD_BUILD) | BIT(CMD_RUN)},
    {"--output", OPT_VALUE, BIT(CMD_BUILD) | BIT(CMD_RUN)},
    {"-o", OPT_VALUE, BIT(CMD_BUILD) | BIT(CMD_RUN)},
    {"--target", OPT_VALUE, BIT(CMD_BUILD)},
    {"--emit-llvm", OPT_FLAG, BIT(CMD_BUILD)},
    {"--emit-ir", OPT_FLAG, BIT(CMD_BUILD)},
    {"--json", OPT_FLAG, BIT(CMD_BUILD) | BIT(CMD_RUN)},
    {"--no-color", OPT_FLAG, BIT(CMD_BUILD) | BIT(CMD_RUN)},
    {"--dump-ast", OPT_FLAG, BIT(CMD_BUILD) | BIT(CMD_RUN)},
    {"--update", OPT_FLAG, BIT(CMD_DEPS)},
    {"--check", OPT_FLAG, BIT(CMD_FMT)},
};
enum { NOPTS = sizeof option_specs / sizeof option_specs[0] };

static int apply_option(CliOptions *o, const char *name, const char *value, char *err, size_t errlen) {
  if (strcmp(name, "--opt-level") == 0) {
    if (!parse_opt_level(value, &o->opt_level))
      return fail(err, errlen, "invalid value '%s' for '--opt-level <N>': expected an integer from 0 to 255",
                  value);
  } else if (strcmp(name, "--output") == 0 || strcmp(name, "-o") == 0) {
    if (!*value) return fail(err, errlen, "empty value for '%s'", name);
    o->output = value;
  } else if (strcmp(name, "--target") == 0) {
    o->target = value;
  } else if (strcmp(name, "--emit-llvm") == 0) {
    o->emit_llvm = true;
  } else if (strcmp(name, "--emit-ir") == 0) {
    o->emit_ir = true;
  } else if (strcmp(name, "--json") == 0) {
    o->json = true;
  } else if (strcmp(name, "--no-color") == 0) {
    o->no_color = true;
  } else if (strcmp(name, "--dump-ast") == 0) {
    o->dump_ast = true;
  }
  /* --update / --check: accepted; those commands are not implemented yet. */
  return 0;
}

static int add_program_arg(CliOptions *o, const char *arg, char *err, size_t errlen) {
  if (o->nprogram_args >= CLI_MAX_ARGS) return fail(err, errlen, "too many program arguments");
  o->program_args[o->nprogram_args++] = arg;
  return 0;
}

static int parse_subcommand(int argc, char **argv, int i, CliOptions *o, char *err, size_t errlen) {
  Command c = o->command;
  bool only_positionals = false;
  int npositional = 0;
  for (; i < argc; i++) {
    const char *arg = argv[i];
    if (!only_positionals && strcmp(arg, "--") == 0) {
      if (c == CMD_RUN) {
        for (i++; i < argc; i++)
          if (add_program_arg(o, argv[i], err, errlen)) return 1;
        return 0;
      }
      only_positionals = true;
      continue;
    }
    if (!only_positionals && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
      o->show_help = true;
      return 0;
    }
    if (!only_positionals && arg[0] == '-' && arg[1] != 0) {
      /* split --name=value */
      char name[64];
      const char *eq = strchr(arg, '=');
      const char *value = NULL;
      size_t nlen = eq && arg[1] == '-' ? (size_t)(eq - arg) : strlen(arg);
      if (nlen >= sizeof name) return fail(err, errlen, "unknown option '%s'", arg);
      memcpy(name, arg, nlen);
      name[nlen] = 0;
      if (eq && arg[1] == '-') value = eq + 1;
      const OptSpec *spec = NULL;
      for (int k = 0; k < NOPTS; k++)
        if (strcmp(option_specs[k].name, name) == 0 && (option_specs[k].commands & BIT(c)))
          spec = &option_specs[k];
      if (!spec) return fail(err, errlen, "unknown option '%s' for '%s'", name, cli_command_name(c));
      if (spec->kind == OPT_FLAG) {
        if (value) return fail(err, errlen, "option '%s' takes no value", name);
      } else if (!value) {
        if (i + 1 >= argc) return fail(err, errlen, "option '%s' requires a value", name);
        value = argv[++i];
      }
      if (apply_option(o, name, value ? value : "", err, errlen)) return 1;
      continue;
    }
    /* positional */
    npositional++;
    switch (c) {
    case CMD_BUILD:
    case CMD_DEPS:
      if (npositional > 1) return fail(err, errlen, "unexpected argument '%s'", arg);
      o->dir = arg;
      break;
    case CMD_RUN:
      if (npositional == 1)
        o->dir = arg;
      else if (add_program_arg(o, arg, err, errlen))
        return 1;
      break;
    case CMD_INIT:
      if (npositional > 1) return fail(err, errlen, "unexpected argument '%s'", arg);
      o->dir = arg;
      break;
    case CMD_FMT:
      break; /* any number of paths */
    case CMD_HELP:
      if (npositional > 1) return fail(err, errlen, "unexpected argument '%s'", arg);
      if (cli_command_from_name(arg) == CMD_NONE) return fail(err, errlen, "unknown subcommand '%s'", arg);
      o->help_topic = arg;
      break;
    default:
      return fail(err, errlen, "unexpected argument '%s'", arg);
    }
  }
  if (c == CMD_INIT && !o->dir) return fail(err, errlen, "the required argument <NAME> was not provided");
  return 0;
}

int cli_parse(int argc, char **argv, CliOptions *o, char *err, size_t errlen) {
  memset(o, 0, sizeof *o);
  if (errlen) err[0] = 0;
  if (argc < 2) return 0; /* CMD_NONE: caller reports the missing subcommand */
  const char *first = argv[1];
  if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
    o->show_help = true;
    return 0;
  }
  if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0) {
    o->show_version = true;
    return 0;
  }
  if (first[0] == '-') return fail(err, errlen, "unknown option '%s'", first);
  o->command = cli_command_from_name(first);
  if (o->command == CMD_NONE) return fail(err, errlen, "unknown subcommand '%s'", first);
  return parse_subcommand(argc, argv, 2, o, err, errlen);
}
