/*
 * An etcd key as the verbs of etcd mode tell it: the key of an address,
 * a line about its holder, and whether one holds it now.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "etcd_cli.h"

/* The key of an etcd://HOSTS/KEY address: what follows the hosts. */
const char *etcd_key_of(const char *path)
{
	const char *p = strstr(path, "://");

	p = p != NULL ? strchr(p + 3, '/') : NULL;
	return p != NULL ? p + 1 : path;
}

/* "pid P on HOST (token T, lease Ns left)" for messages, into buf. */
void etcd_holder_text(const struct svcctl_pidinfo *in, char *buf, size_t size)
{
	char left[32] = "?";

	if (in->ttl_ms >= 0)
		snprintf(left, sizeof(left), "%lld.%llds", (long long)in->ttl_ms / 1000,
			 (long long)in->ttl_ms % 1000 / 100);
	snprintf(buf, size, "pid %lld on %s (token %lld, lease %s left)", (long long)in->pid,
		 in->host[0] ? in->host : "an unknown host", (long long)in->token, left);
}

/* Report a key held by another: an error for run (HOLD_RUN), news for start. */
void etcd_say_holder(const struct cli *c, enum hold_mode mode, const char *what,
		     const struct svcctl_pidinfo *in)
{
	char h[SVCCTL_HOST_MAX + 96];

	etcd_holder_text(in, h, sizeof(h));
	if (mode == HOLD_RUN)
		fail("%s: %s by %s%s%s", c->path, what, h, in->msg[0] ? ": " : "", in->msg);
	else
		say(c, "%s: %s by %s%s%s", c->path, what, h, in->msg[0] ? ": " : "", in->msg);
}

/* Is the key held now?  1 (said so), 0 free; an error is left to the acquire. */
int etcd_running(const struct cli *c)
{
	struct svcctl_pidinfo in;

	memset(&in, 0, sizeof(in));
	if (svcctl_pidfile_state(c->path, &c->opts, &in) != SVCCTL_RUNNING)
		return 0;
	etcd_say_holder(c, HOLD_START, "already running, held", &in);
	return 1;
}
