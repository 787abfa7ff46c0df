/*
 * The verbs and options of svcctl: the verb bits, the option table
 * (options.c) and what parses, checks and explains options with it
 * (args.c, args_check.c, help.c, completion.c).
 */
#ifndef SVCCTL_OPTIONS_H
#define SVCCTL_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

struct cli;
struct option;

/*
 * The one return convention: every function of svcctl/ that can end the
 * command returns an exit code (EXIT_*, 0..255) or CLI_GO_ON: keep going.
 * Facts go out through pointers.  Callbacks that may end it (the gate
 * callback of spawn_child(), publish_child()) follow it too.
 */
#define CLI_GO_ON (-1)

/* One bit per verb: the verbs an option applies to (struct cli_option). */
#define V_START 0x01
#define V_STOP 0x02
#define V_STATUS 0x04
#define V_RELOAD 0x08
#define V_RESTART 0x10
#define V_LIST 0x20
#define V_CLEANUP 0x40
#define V_RUN 0x80
#define V_ALL 0xffu
#define V_TOP 0x100 /* svcctl OPTION, without a verb */

/* What a verb takes besides options (struct cli_cmd's flags). */
#define CMD_TARGET 0x1  /* -p PIDFILE, NAME or etcd://HOSTS/KEY */
#define CMD_COMMAND 0x2 /* -- COMMAND [ARG...], required */
#define CMD_PREFIX 0x4  /* -d RUNDIR or etcd://HOSTS/PREFIX */

/*
 * One verb: its name, handler (NULL: not on this system), bit in
 * cli_option.verbs, CMD_* flags and help text.
 */
struct cli_cmd {
	const char *name;
	int (*run)(struct cli *c);
	unsigned bit;
	unsigned flags;
	const char *help;
};

/* How an option's argument is stored into struct cli (cli_option.field). */
enum opt_kind {
	OPT_NONE,     /* not stored: --help and the options of svcctl itself */
	OPT_FLAG,     /* no argument: the int field is set to 1 */
	OPT_STRING,   /* the argument as given, into a const char * field */
	OPT_NONEMPTY, /* the same, refused when empty */
	OPT_DURATION, /* a duration (0 allowed) into an int64_t field, in ms */
	OPT_POSITIVE, /* a duration above 0 */
	OPT_PARSED    /* the row's own parser stores it */
};

/*
 * One option: everything parsing, help, completion and the man-page test
 * need.  Options with the same non-zero group exclude each other.
 */
struct cli_option {
	const char *name; /* long name: "pidfile" */
	int key;          /* short letter 'p', or a value >= 256 without one */
	int has_arg;      /* no_argument, required_argument, optional_argument */
	const char *arg;  /* argument name for help and usage: "PIDFILE", or NULL */
	unsigned verbs;   /* V_* bits of the verbs that take it */
	const char *help; /* one line for VERB --help; NULL: hidden */
	int group;        /* exclusive group, 0 none */
	enum opt_kind kind;
	size_t field;    /* offsetof(struct cli, its field), for the generic kinds */
	const char *why; /* why a value is refused (OPT_NONEMPTY, OPT_DURATION, OPT_POSITIVE) */
	/* OPT_PARSED: store arg into *c; why it is refused, or NULL */
	const char *(*parse)(struct cli *c, const char *arg);
};

/* options.c: the option table, ended by a NULL name. */
extern const struct cli_option cli_options[];
/* options.c: the option of key, or NULL. */
const struct cli_option *cli_option_of(int key);
/* options.c: the getopt_long tables of cli_options (built on the first call). */
const struct option *cli_longopts(const char **shortopts);
/* options.c: store option o with argument arg into *c; CLI_GO_ON, else EXIT_USAGE. */
int cli_option_apply(struct cli *c, const struct cli_option *o, const char *arg);

/* args.c: parse argv after the verb into *c; CLI_GO_ON to run the verb, else an exit code. */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli *c);
/* args_check.c: report a bad value of an option, or (val NULL) the option (no usage line);
 * EXIT_USAGE. */
int cli_bad(const char *opt, const char *val, const char *why);
/* args_check.c: check the combination of options after parsing. */
int cli_check(struct cli *c);

/* help.c: the usage line of cmd. */
void cli_usage(FILE *f, const struct cli_cmd *cmd);
/* help.c: VERB --help: usage line, help text, every option with its meaning. */
void help_verb(const struct cli_cmd *cmd);
/* help.c: the long names of the options of a verb's bit (or V_TOP), sep between. */
void help_option_names(unsigned bit, const char *sep);
/* help.c: --list-options: one --name per line, of cmd or (NULL) of svcctl itself. */
void help_list_options(const struct cli_cmd *cmd);
/* help.c: svcctl --help, or the short usage of every verb (usage_only). */
void help_all(FILE *f, const struct cli_cmd *cmds, size_t n, int usage_only);
/* completion.c: print the completion script for shell; 0, else EXIT_USAGE. */
int completion_print(const char *shell, const struct cli_cmd *cmds, size_t n);

#endif /* SVCCTL_OPTIONS_H */
