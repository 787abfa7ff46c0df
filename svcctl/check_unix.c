/*
 * --check CMD of reload and restart: the server's config test, run with
 * /bin/sh -c before anything is signalled or stopped.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Print a command's output, each line indented and labelled. */
static void show_output(const char *out)
{
	const char *line = out;

	while (*line) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);

		fprintf(stderr, "  check: %.*s\n", len, line);
		line += len + (nl != NULL);
	}
}

/* Run --check: CLI_GO_ON when it passed (or none), else EXIT_FAIL after its output. */
int check_config(const struct cli *c)
{
	char out[2048];
	int rc;

	if (c->check == NULL)
		return CLI_GO_ON;
	rc = shell_run(c->check, c->ready_timeout_ms, out, sizeof(out));
	if (rc == 0)
		return CLI_GO_ON;
	if (rc == SVCCTL_E_TIMEOUT)
		fail("%s: --check \"%s\" did not finish within %lldms; not %sed", c->path, c->check,
		     (long long)c->ready_timeout_ms, c->cmd->name);
	else if (rc < 0)
		fail("%s: --check \"%s\" cannot run: %s", c->path, c->check, svcctl_strerror(rc));
	else
		fail("%s: --check \"%s\" failed with exit status %d; not %sed", c->path, c->check,
		     rc, c->cmd->name);
	show_output(out);
	return EXIT_FAIL;
}
