/*
 * Help text generated from the option table and the verbs: usage lines,
 * VERB --help (every option of the verb with its meaning), svcctl --help
 * and --list-options.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

#define WIDTH 79

/* Words printed to f, wrapped before WIDTH and indented by indent. */
struct wrap {
	FILE *f;
	size_t col, indent;
};

/* Print one word, or a bracketed group of words kept together, on the line. */
static void put(struct wrap *w, const char *word)
{
	size_t len = strlen(word);

	if (len == 0)
		return;
	if (w->col > w->indent && w->col + 1 + len > WIDTH) {
		fprintf(w->f, "\n%*s", (int)w->indent, "");
		w->col = w->indent;
	} else if (w->col > w->indent) {
		fputc(' ', w->f);
		w->col++;
	}
	fputs(word, w->f);
	w->col += len;
}

/* Print text word by word (runs of spaces count as one). */
static void put_text(struct wrap *w, const char *text)
{
	char word[256];

	while (*text != '\0') {
		size_t n = strcspn(text, " ");

		snprintf(word, sizeof(word), "%.*s", (int)n, text);
		put(w, word);
		text += n + strspn(text + n, " ");
	}
}

/* o as usage shows it: "-p PIDFILE", "--notify [fd:N]" (no brackets around it). */
static const char *synopsis(const struct cli_option *o, char *buf, size_t size)
{
	int n = o->key < 256 ? snprintf(buf, size, "-%c", o->key)
			     : snprintf(buf, size, "--%s", o->name);

	if (o->has_arg == required_argument)
		snprintf(buf + n, size - (size_t)n, " %s", o->arg);
	else if (o->has_arg == optional_argument)
		snprintf(buf + n, size - (size_t)n, " [%s]", o->arg);
	return buf;
}

/* Is o listed by VERB --help and --list-options of a verb with this bit? */
static int listed(const struct cli_option *o, unsigned bit)
{
	return (o->verbs & bit) && o->help != NULL;
}

/* Does the usage line of cmd show o among its options? */
static int in_usage(const struct cli_cmd *cmd, const struct cli_option *o)
{
	if (!listed(o, cmd->bit) || o->key == 'h')
		return 0;
	/* -p is part of the target, -d of the prefix operand */
	return !(o->key == 'p' && (cmd->flags & CMD_TARGET)) &&
	       !(o->key == 'd' && (cmd->flags & CMD_PREFIX));
}

/* One option in brackets; an exclusive group's members together: "[--pid PID | --mine]". */
static void put_option(struct wrap *w, const struct cli_option *o)
{
	char item[256], one[96];
	size_t n = 0;

	for (const struct cli_option *m = o; m->name != NULL; m++) {
		if (m != o && (o->group == 0 || m->group != o->group))
			continue;
		n += (size_t)snprintf(item + n, sizeof(item) - n, "%s%s", n ? " | " : "[",
				      synopsis(m, one, sizeof(one)));
		if (o->group == 0 || n >= sizeof(item))
			break;
	}
	if (n < sizeof(item) - 1)
		snprintf(item + n, sizeof(item) - n, "]");
	put(w, item);
}

/* Is o the first member of its exclusive group (or in none)? */
static int group_first(const struct cli_option *o)
{
	for (const struct cli_option *m = cli_options; m != o; m++)
		if (o->group != 0 && m->group == o->group)
			return 0;
	return 1;
}

/* The operands before the options: the target or the RUNDIR prefix. */
static void put_head(struct wrap *w, const struct cli_cmd *cmd)
{
	if (cmd->flags & CMD_TARGET)
		put(w, "(-p PIDFILE | NAME | etcd://HOSTS/KEY)");
	if (cmd->flags & CMD_PREFIX)
		put(w, "[-d RUNDIR | etcd://HOSTS/PREFIX]");
}

/* The usage line of cmd, every option of it in table order, wrapped. */
void cli_usage(FILE *f, const struct cli_cmd *cmd)
{
	struct wrap w = {f, 0, 0};

	w.col = w.indent = (size_t)fprintf(f, "usage: svcctl %s", cmd->name) + 1;
	fputc(' ', f);
	put_head(&w, cmd);
	for (const struct cli_option *o = cli_options; o->name != NULL; o++)
		if (in_usage(cmd, o) && group_first(o))
			put_option(&w, o);
	if (cmd->flags & CMD_COMMAND)
		put(&w, "-- COMMAND [ARG...]");
	fputc('\n', f);
}

/* The option column of VERB --help: "  -p, --pidfile PIDFILE", "      --retry SCHEDULE". */
static const char *option_left(const struct cli_option *o, char *buf, size_t size)
{
	char syn[96];

	if (o->key < 256) /* "-p PIDFILE" becomes "-p, --pidfile PIDFILE" */
		snprintf(buf, size, "  -%c, --%s%s", o->key, o->name,
			 synopsis(o, syn, sizeof(syn)) + 2);
	else
		snprintf(buf, size, "      %s", synopsis(o, syn, sizeof(syn)));
	return buf;
}

/* VERB --help: the usage line, what the verb does, then each option and its meaning. */
void help_verb(const struct cli_cmd *cmd)
{
	struct wrap w = {stdout, 0, 0};
	char left[128];
	int width = 0;

	for (const struct cli_option *o = cli_options; o->name != NULL; o++)
		if (listed(o, cmd->bit) && (int)strlen(option_left(o, left, sizeof(left))) > width)
			width = (int)strlen(left);
	cli_usage(stdout, cmd);
	fputc('\n', stdout);
	put_text(&w, cmd->help);
	printf("\n\nOptions:\n");
	for (const struct cli_option *o = cli_options; o->name != NULL; o++)
		if (listed(o, cmd->bit))
			printf("%-*s  %s\n", width, option_left(o, left, sizeof(left)), o->help);
}

/* The long names of the options listed for bit (a verb's, or V_TOP), sep between them. */
void help_option_names(unsigned bit, const char *sep)
{
	int n = 0;

	for (const struct cli_option *o = cli_options; o->name != NULL; o++)
		if (listed(o, bit))
			printf("%s--%s", n++ ? sep : "", o->name);
}

/* --list-options: one --name per line, of cmd or (NULL) of svcctl without a verb. */
void help_list_options(const struct cli_cmd *cmd)
{
	help_option_names(cmd != NULL ? cmd->bit : V_TOP, "\n");
	putchar('\n');
}

/* One short usage line per verb: its operands, [OPTIONS] and COMMAND. */
static void usage_short(FILE *f, const struct cli_cmd *cmds, size_t n)
{
	fprintf(f, "usage: svcctl VERB [OPTIONS]   (svcctl VERB --help for details)\n");
	for (size_t i = 0; i < n; i++) {
		struct wrap w = {f, 0, 0};

		w.col = w.indent = (size_t)fprintf(f, "       svcctl %s", cmds[i].name) + 1;
		fputc(' ', f);
		put_head(&w, &cmds[i]);
		put(&w, "[OPTIONS]");
		if (cmds[i].flags & CMD_COMMAND)
			put(&w, "-- COMMAND [ARG...]");
		fputc('\n', f);
	}
}

/* o as svcctl --help names it: "-h/--help", "--completion SHELL". */
static const char *long_synopsis(const struct cli_option *o, char *buf, size_t size)
{
	int n = o->key < 256 ? snprintf(buf, size, "-%c/", o->key) : 0;

	snprintf(buf + n, size - (size_t)n, "--%s%s%s", o->name, o->arg ? " " : "",
		 o->arg ? o->arg : "");
	return buf;
}

/* The options listed for bit whose long name starts with prefix, "a, b, c" then end. */
static void put_names(struct wrap *w, unsigned bit, const char *prefix, const char *end)
{
	const struct cli_option *last = NULL;
	char name[128], word[132];

	for (const struct cli_option *o = cli_options; o->name != NULL; o++) {
		if (!listed(o, bit) || strncmp(o->name, prefix, strlen(prefix)) != 0)
			continue;
		if (last != NULL) {
			snprintf(word, sizeof(word), "%s,",
				 long_synopsis(last, name, sizeof(name)));
			put_text(w, word);
		}
		last = o;
	}
	if (last != NULL) {
		snprintf(word, sizeof(word), "%s%s", long_synopsis(last, name, sizeof(name)), end);
		put_text(w, word);
	}
}

/* svcctl --help: usage lines, one line per verb, the options of svcctl itself. */
void help_all(FILE *f, const struct cli_cmd *cmds, size_t n, int usage_only)
{
	struct wrap w = {f, 0, 0};

	usage_short(f, cmds, n);
	if (usage_only)
		return;
	fprintf(f, "\nVerbs:\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-8s %s%s\n", cmds[i].name, cmds[i].help,
			cmds[i].run != NULL ? "" : " (Unix only)");
	fputc('\n', f);
	put_text(&w, "NAME means RUNDIR/NAME.pid; RUNDIR is -d, else $SVCCTL_RUNDIR, else "
		     "/run/svcctl (root) or $XDG_RUNTIME_DIR/svcctl. Options of svcctl itself:");
	put_names(&w, V_TOP, "", ".");
	put_text(&w, "On Windows, start, restart and reload are not available (exit 2).");
	fputs("\n\n", f);
	w.col = 0;
	put_text(&w, "etcd mode: PIDFILE or NAME etcd://HOST:PORT[,HOST:PORT...]/KEY (etcds:// for "
		     "TLS; list and cleanup take etcd://HOSTS/PREFIX) holds KEY on a lease whose "
		     "TTL is --stale-age (default 10s). Credentials:");
	put_names(&w, V_ALL, "etcd-", ",");
	put_text(&w, "else $SVCCTL_ETCD_CACERT, _CERT, _KEY, _USER, _PASSWORD_FILE. run's and "
		     "start's COMMAND gets SVCCTL_LOCK_TOKEN (fencing token) and SVCCTL_LOCK_KEY, "
		     "dies with svcctl, and is stopped when the lease is lost (run exits 151). "
		     "status: 0 held, 3 free, 4 unreachable. stop revokes the holder's lease from "
		     "any host. See svcctl(1).");
	fputc('\n', f);
}
