/*
 * Fault-injection shim, loaded with LD_PRELOAD into the fault driver's
 * child.  While armed it counts the calls of each intercepted function and
 * makes the Nth call of one of them fail with a chosen errno, or stop the
 * process (SIGSTOP) just before it, so the driver can SIGKILL it there.
 *
 *   SVCCTL_FAULT_CALL=name   the function (canonical name: open, fstat...)
 *   SVCCTL_FAULT_NTH=N       which call of it, from 1, counted while armed
 *   SVCCTL_FAULT_ERRNO=E     the errno number to fail with
 *   SVCCTL_FAULT_STOP=1      stop before the call instead of failing it
 *   SVCCTL_FAULT_NOTMPFILE=1 every open(O_TMPFILE) fails with EOPNOTSUPP
 *
 * The driver arms and reads counters through the svcctl_fault_* functions,
 * found with dlsym().  Single-threaded use only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The functions counted, by canonical name (open64 counts as open). */
static const char *const call_names[] = {
    "open",    "openat", "read",   "write",  "close", "fchmod",   "fstat",     "lstat",   "stat",
    "fstatat", "link",   "linkat", "unlink", "flock", "mkostemp", "utimensat", "readlink"};
enum {
	C_OPEN,
	C_OPENAT,
	C_READ,
	C_WRITE,
	C_CLOSE,
	C_FCHMOD,
	C_FSTAT,
	C_LSTAT,
	C_STAT,
	C_FSTATAT,
	C_LINK,
	C_LINKAT,
	C_UNLINK,
	C_FLOCK,
	C_MKOSTEMP,
	C_UTIMENSAT,
	C_READLINK,
	C_COUNT
};

static unsigned counts[C_COUNT];
static int armed, fired, target = -1, nth, fail_errno, stop_mode, no_tmpfile, configured;

/* Read the fault from the environment once. */
static void configure(void)
{
	const char *call = getenv("SVCCTL_FAULT_CALL");
	const char *v;

	configured = 1;
	for (int i = 0; call && i < C_COUNT; i++)
		if (strcmp(call, call_names[i]) == 0)
			target = i;
	nth = (v = getenv("SVCCTL_FAULT_NTH")) ? atoi(v) : 0;
	fail_errno = (v = getenv("SVCCTL_FAULT_ERRNO")) ? atoi(v) : EIO;
	stop_mode = (v = getenv("SVCCTL_FAULT_STOP")) && *v == '1';
	no_tmpfile = (v = getenv("SVCCTL_FAULT_NOTMPFILE")) && *v == '1';
}

/* Count a call of c; 1 when this one must fail (errno is then set). */
static int hit(int c)
{
	if (!configured)
		configure();
	if (!armed)
		return 0;
	if (++counts[c] != (unsigned)nth || c != target)
		return 0;
	fired = 1;
	if (stop_mode) {
		raise(SIGSTOP); /* the driver SIGKILLs us here */
		return 0;
	}
	errno = fail_errno;
	return 1;
}

/* Start (1) or pause (0) counting; counters keep their values. */
void svcctl_fault_arm(int on)
{
	if (!configured)
		configure();
	armed = on;
}

/* How often name was called while armed; -1 for a name not intercepted. */
int svcctl_fault_calls(const char *name)
{
	for (int i = 0; i < C_COUNT; i++)
		if (strcmp(name, call_names[i]) == 0)
			return (int)counts[i];
	return -1;
}

/* The canonical names, NULL-terminated by index: name or NULL past the end. */
const char *svcctl_fault_name(int i)
{
	return i >= 0 && i < C_COUNT ? call_names[i] : NULL;
}

/* 1 once the chosen call was failed or stopped at. */
int svcctl_fault_fired(void)
{
	return fired;
}

/* The next definition of sym after this library. */
#define REAL(sym) ((__typeof__(&sym))real_fn(#sym))
static void *real_fn(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

/* The mode argument of open/openat, present with O_CREAT or O_TMPFILE. */
#define OPEN_MODE(flags, last, mode)                                                               \
	do {                                                                                       \
		va_list ap;                                                                        \
		va_start(ap, last);                                                                \
		mode = ((flags) & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;                 \
		va_end(ap);                                                                        \
	} while (0)

/* open and openat: counted, and O_TMPFILE refused when asked. */
static int do_openat(int c, int dirfd, const char *path, int flags, mode_t mode)
{
	if (hit(c))
		return -1;
	if (no_tmpfile && (flags & O_TMPFILE) == O_TMPFILE) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (c == C_OPEN)
		return REAL(open)(path, flags, mode);
	return REAL(openat)(dirfd, path, flags, mode);
}

int open(const char *path, int flags, ...)
{
	mode_t mode;

	OPEN_MODE(flags, flags, mode);
	return do_openat(C_OPEN, AT_FDCWD, path, flags, mode);
}

/* The same functions under their large-file names. */
int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;

	OPEN_MODE(flags, flags, mode);
	return do_openat(C_OPENAT, dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

ssize_t read(int fd, void *buf, size_t n)
{
	return hit(C_READ) ? -1 : REAL(read)(fd, buf, n);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	return hit(C_WRITE) ? -1 : REAL(write)(fd, buf, n);
}

/* A failed close has still released the descriptor, as on Linux. */
int close(int fd)
{
	int fail = hit(C_CLOSE), err = errno;
	int rc = REAL(close)(fd);

	if (fail) {
		errno = err;
		return -1;
	}
	return rc;
}

int fchmod(int fd, mode_t mode)
{
	return hit(C_FCHMOD) ? -1 : REAL(fchmod)(fd, mode);
}

int fstat(int fd, struct stat *st)
{
	return hit(C_FSTAT) ? -1 : REAL(fstat)(fd, st);
}

int fstat64(int fd, struct stat64 *st)
{
	return hit(C_FSTAT) ? -1 : REAL(fstat64)(fd, st);
}

int lstat(const char *path, struct stat *st)
{
	return hit(C_LSTAT) ? -1 : REAL(lstat)(path, st);
}

int lstat64(const char *path, struct stat64 *st)
{
	return hit(C_LSTAT) ? -1 : REAL(lstat64)(path, st);
}

int stat(const char *path, struct stat *st)
{
	return hit(C_STAT) ? -1 : REAL(stat)(path, st);
}

int stat64(const char *path, struct stat64 *st)
{
	return hit(C_STAT) ? -1 : REAL(stat64)(path, st);
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return hit(C_FSTATAT) ? -1 : REAL(fstatat)(dirfd, path, st, flags);
}

int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return hit(C_FSTATAT) ? -1 : REAL(fstatat64)(dirfd, path, st, flags);
}

int link(const char *from, const char *to)
{
	return hit(C_LINK) ? -1 : REAL(link)(from, to);
}

int linkat(int fromfd, const char *from, int tofd, const char *to, int flags)
{
	return hit(C_LINKAT) ? -1 : REAL(linkat)(fromfd, from, tofd, to, flags);
}

int unlink(const char *path)
{
	return hit(C_UNLINK) ? -1 : REAL(unlink)(path);
}

int flock(int fd, int op)
{
	return hit(C_FLOCK) ? -1 : REAL(flock)(fd, op);
}

int mkostemp(char *tmpl, int flags)
{
	return hit(C_MKOSTEMP) ? -1 : REAL(mkostemp)(tmpl, flags);
}

int mkostemp64(char *tmpl, int flags) __attribute__((alias("mkostemp")));

int utimensat(int dirfd, const char *path, const struct timespec t[2], int flags)
{
	return hit(C_UTIMENSAT) ? -1 : REAL(utimensat)(dirfd, path, t, flags);
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
	return hit(C_READLINK) ? -1 : REAL(readlink)(path, buf, size);
}
