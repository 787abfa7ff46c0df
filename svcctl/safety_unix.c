/*
 * Root safety before signalling: a pidfile that someone other than root
 * and the service user could write or replace is refused, and the target
 * process is re-verified right before every signal.  The path walk opens
 * each directory from / with O_NOFOLLOW, so it cannot be steered itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Symbolic links followed in the directory chain before giving up. */
#define MAX_HOPS 40

/* Who may own and write the pidfile and its directories besides root. */
struct trust {
	int has_user;
	uid_t uid;
};

/* A directory walk in progress: what is left to walk and where we are. */
struct walk {
	char rest[2 * CLI_PATH_MAX]; /* components still to walk */
	char at[CLI_PATH_MAX];       /* the directory reached, for messages */
	int fd;                      /* O_PATH descriptor of that directory */
	int hops;
};

/* Is uid root or the service user? */
static int trusted(const struct trust *t, uid_t uid)
{
	return uid == 0 || (t->has_user && uid == t->uid);
}

/* Why others could write into or replace entries of a directory, or NULL. */
static const char *dir_risk(const struct stat *st, const struct trust *t)
{
	int sticky = (st->st_mode & S_ISVTX) != 0;

	/* an owner may always chmod, sticky bit or not */
	if (!trusted(t, st->st_uid))
		return "is owned by a user other than root and the service user";
	if (!sticky && (st->st_mode & S_IWOTH))
		return "is writable by others without the sticky bit";
	if (!sticky && (st->st_mode & S_IWGRP) && st->st_gid != 0)
		return "is writable by a non-root group without the sticky bit";
	return NULL;
}

/* Why the pidfile itself could be steered by others, or NULL. */
static const char *file_risk(const struct stat *st, const struct trust *t)
{
	if (S_ISLNK(st->st_mode))
		return "is a symbolic link";
	if (!trusted(t, st->st_uid))
		return "is owned by a user other than root and the service user (-u)";
	if (st->st_mode & S_IWOTH)
		return "is writable by others";
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0)
		return "is writable by a non-root group";
	return NULL;
}

/* Check the directory w->fd; 1 and a reason in why when it is unsafe. */
static int check_dir(const struct walk *w, const struct trust *t, char *why, size_t size)
{
	struct stat st;
	const char *risk;

	if (fstat(w->fd, &st) < 0)
		return -errno;
	risk = dir_risk(&st, t);
	if (risk == NULL)
		return 0;
	snprintf(why, size, "directory %s %s", w->at, risk);
	return 1;
}

/* Jump to / (absolute symlink targets and the start of the walk). */
static int walk_root(struct walk *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(w->at, sizeof(w->at), "/");
	return w->fd < 0 ? -errno : 0;
}

/*
 * A symlink in a checked directory: walk its target, then the rest.  Never
 * inlined, nor are split_path() and step(): each holds path-sized buffers,
 * and in one frame they would all be probed (a page fault each) on every
 * walk; apart, the common walk's stack is about half as deep.
 */
static __attribute__((noinline)) int follow(struct walk *w, const char *name, const char *rest)
{
	char target[CLI_PATH_MAX], tmp[sizeof(w->rest)];
	ssize_t n = readlinkat(w->fd, name, target, sizeof(target) - 1);

	if (n < 0)
		return -errno;
	if (++w->hops > MAX_HOPS)
		return -ELOOP;
	target[n] = '\0';
	if (snprintf(tmp, sizeof(tmp), "%s/%s", target, rest) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(w->rest, tmp, sizeof(tmp));
	return target[0] == '/' ? walk_root(w) : 0;
}

/* Step into the next component; 0 stepped, 1 missing, 2 stayed ("" or "."), < 0 error. */
static __attribute__((noinline)) int step(struct walk *w)
{
	char name[CLI_PATH_MAX], *slash = strchr(w->rest, '/');
	size_t len = slash ? (size_t)(slash - w->rest) : strlen(w->rest);
	const char *rest = slash ? slash + 1 : "";
	struct stat st;
	int fd;

	memcpy(name, w->rest, len);
	name[len] = '\0';
	memmove(w->rest, rest, strlen(rest) + 1);
	if (len == 0 || strcmp(name, ".") == 0)
		return 2;
	fd = openat(w->fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0 && fstatat(w->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return follow(w, name, w->rest);
	if (fd < 0)
		return -errno;
	close(w->fd);
	w->fd = fd;
	snprintf(w->at + strlen(w->at), sizeof(w->at) - strlen(w->at), "%s%s",
		 strcmp(w->at, "/") ? "/" : "", name);
	return 0;
}

/* Walk dir from /, checking every directory met; 1 unsafe, 0 safe or missing. */
static int walk_dirs(struct walk *w, const struct trust *t, char *why, size_t size)
{
	int rc = walk_root(w);

	if (rc == 0)
		rc = check_dir(w, t, why, size);
	while (rc == 0 && w->rest[0] != '\0') {
		rc = step(w);
		if (rc == 1)
			return 0; /* a missing directory holds no pidfile */
		/* an empty component or "." leaves us in the directory checked */
		if (rc == 2)
			rc = 0;
		else if (rc == 0)
			rc = check_dir(w, t, why, size);
	}
	return rc;
}

/* Split c->path into an absolute directory to walk and the file's name. */
static __attribute__((noinline)) int split_path(const char *path, struct walk *w, char *base, size_t bsize)
{
	char cwd[CLI_PATH_MAX];
	const char *slash = strrchr(path, '/');
	int dlen = slash ? (int)(slash - path) : 0;

	cwd[0] = '\0';
	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)) == NULL)
		return -errno;
	if (snprintf(w->rest, sizeof(w->rest), "%s/%.*s", cwd, dlen, path) >= (int)sizeof(w->rest))
		return -ENAMETOOLONG;
	snprintf(base, bsize, "%s", slash ? slash + 1 : path);
	return 0;
}

/* The service user of -u USER[:GROUP], trusted like root; CLI_GO_ON or an exit code. */
static int service_user(const struct cli *c, struct trust *t)
{
	struct user_ids u;
	int rc;

	t->has_user = 0;
	if (c->user == NULL)
		return CLI_GO_ON;
	rc = lookup_user(c->user, &u);
	if (rc != CLI_GO_ON)
		return rc;
	t->has_user = 1;
	t->uid = (uid_t)u.uid;
	return CLI_GO_ON;
}

/* Is the pidfile at path safe to act on as root?  0 safe, 1 unsafe (why), < 0 error. */
static int pidfile_risk(const char *path, const struct trust *t, char *why, size_t size)
{
	/* not "= {...}": that would zero 12 KiB of buffers on every call */
	struct walk w;
	char base[CLI_PATH_MAX];
	const char *risk;
	struct stat st;
	int rc;

	w.fd = -1;
	w.hops = 0;
	w.at[0] = '\0';
	rc = split_path(path, &w, base, sizeof(base));
	if (rc == 0)
		rc = walk_dirs(&w, t, why, size);
	if (rc == 0 && w.fd >= 0 && base[0] != '\0' &&
	    fstatat(w.fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && (risk = file_risk(&st, t))) {
		snprintf(why, size, "the pidfile %s", risk);
		rc = 1;
	}
	if (w.fd >= 0)
		close(w.fd);
	return rc;
}

/* As root, refuse (after a message) a pidfile others could steer; CLI_GO_ON when fine. */
int safety_refuse(const struct cli *c)
{
	char why[CLI_PATH_MAX + 128];
	struct trust t;
	int rc;

	/* an unknown -u is an error for everyone, not only for root */
	rc = service_user(c, &t);
	if (rc != CLI_GO_ON || geteuid() != 0 || c->allow_unsafe)
		return rc;
	rc = pidfile_risk(c->path, &t, why, sizeof(why));
	if (rc == 0)
		return CLI_GO_ON;
	if (rc < 0)
		snprintf(why, sizeof(why), "cannot check its directories: %s", strerror(-rc));
	fail("%s: unsafe pidfile for root: %s (--allow-unsafe-pidfile overrides)", c->path, why);
	return EXIT_PRIV;
}

/* Is the handle's process still the one opened: alive, not a zombie, same start? */
int proc_verify(const struct proc *p)
{
	struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
	uint64_t start;

	/* a pidfd becomes readable once its process has exited */
	if (p->fd >= 0 && poll(&pfd, 1, 0) != 0)
		return 0;
	/* the start seen at open, when known, is the fast path's proof */
	if (svcctl__proc_verify(p->pid, p->start, &start) != SVCCTL__PROC_ALIVE)
		return 0;
	return p->start == 0 || start == p->start;
}
