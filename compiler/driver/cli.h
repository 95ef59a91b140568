/* cli.h — the `snowc` command line (tooling.md §1.1, §1.2).
 *
 * Contract: cli_parse() turns argv into a CliOptions without touching the
 * file system or printing anything. On a usage error it returns nonzero and
 * leaves the message (without the `error: ` prefix) in `err`; the caller
 * prints it with a usage line and exits 2. Help texts go to the stream the
 * caller chooses (stdout for --help, stderr for errors). */
#ifndef SNOW_DRIVER_CLI_H
#define SNOW_DRIVER_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum Command {
  CMD_NONE,
  CMD_BUILD,
  CMD_RUN,
  CMD_INIT,
  CMD_DEPS,
  CMD_FMT,
  CMD_REPL,
  CMD_LSP,
  CMD_HELP,
} Command;

enum { CLI_MAX_ARGS = 256 };

typedef struct CliOptions {
  Command command;
  bool show_help;         /* --help/-h (top level or on the subcommand) */
  bool show_version;      /* --version/-V (top level only) */
  const char *help_topic; /* `snowc help COMMAND` */
  const char *dir;        /* build/run positional; NULL when omitted */
  int opt_level;          /* 0..255 as given */
  bool emit_llvm, emit_ir, json, no_color, dump_ast;
  const char *output; /* -o/--output */
  const char *target; /* --target */
  /* run: arguments for the program (extra positionals and all after `--`) */
  const char *program_args[CLI_MAX_ARGS];
  int nprogram_args;
} CliOptions;

/* argv[0] is the program name. Returns 0 on success. */
int cli_parse(int argc, char **argv, CliOptions *o, char *err, size_t errlen);

/* Maps "build" -> CMD_BUILD etc.; CMD_NONE when unknown. */
Command cli_command_from_name(const char *name);
const char *cli_command_name(Command c);

void cli_print_help(FILE *out, Command c); /* CMD_NONE: top-level help */
void cli_print_usage(FILE *out, Command c);
/* The `error: a subcommand is required` report (to stderr, caller exits 2). */
void cli_print_missing_command(FILE *out);

#endif
