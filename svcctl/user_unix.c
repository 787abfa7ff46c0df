/*
 * The one lookup of -u USER[:GROUP] on Unix, shared by start (who the
 * server runs as) and the root-safety check (whom a pidfile may belong to).
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Resolve USER[:GROUP] to ids: CLI_GO_ON; an unknown user or group is a usage error. */
int lookup_user(const char *spec, struct user_ids *u)
{
	char group[256];
	struct passwd *pw;
	struct group *gr;

	memset(u, 0, sizeof(*u));
	if (svcctl_parse_user(spec, u->name, sizeof(u->name), group, sizeof(group)) < 0 ||
	    (pw = getpwnam(u->name)) == NULL) {
		fail("-u %s: no such user", spec);
		return EXIT_USAGE;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	if (group[0] == '\0')
		return CLI_GO_ON;
	gr = getgrnam(group);
	if (gr == NULL) {
		fail("-u %s: no such group \"%s\"", spec, group);
		return EXIT_USAGE;
	}
	u->gid = gr->gr_gid;
	return CLI_GO_ON;
}
