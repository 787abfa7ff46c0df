/* Text for every code the library returns. */
#include <string.h>

#include "errors.h"
#include "svcctl/pidfile.h"

/* platform/ returns its own copies of these: they must stay equal. */
_Static_assert((int)SVCCTL__E_BUSY == (int)SVCCTL_E_BUSY, "errors.h: BUSY");
_Static_assert((int)SVCCTL__E_INVALID == (int)SVCCTL_E_INVALID, "errors.h: INVALID");
_Static_assert((int)SVCCTL__E_UNSAFE == (int)SVCCTL_E_UNSAFE, "errors.h: UNSAFE");
_Static_assert((int)SVCCTL__E_TIMEOUT == (int)SVCCTL_E_TIMEOUT, "errors.h: TIMEOUT");
_Static_assert(SVCCTL__BOOT_MAX == SVCCTL_BOOT_MAX, "errors.h: BOOT_MAX");
_Static_assert(SVCCTL__NS_MAX == SVCCTL_NS_MAX, "errors.h: NS_MAX");

const char *svcctl_strerror(int code)
{
	switch (code) {
	case 0:
		return "success";
	case SVCCTL_E_BUSY:
		return "held by a live process";
	case SVCCTL_E_INVALID:
		return "invalid content (expected a process id)";
	case SVCCTL_E_ROGUE:
		return "pidfile deleted or replaced by someone else";
	case SVCCTL_E_UNSAFE:
		return "unsafe path (symlink, not a regular file, or writable by others)";
	case SVCCTL_E_REMOTE:
		return "held by a process on another host";
	case SVCCTL_E_TIMEOUT:
		return "timed out waiting for the lock";
	case SVCCTL_E_EXPIRED:
		return "lock held past its expiry";
	case SVCCTL_E_LOST:
		return "etcd lease lost (expired, revoked, or not renewed in time)";
	case SVCCTL_E_UNREACHABLE:
		return "etcd not reachable (no endpoint answered in time)";
	case SVCCTL_E_AUTH:
		return "etcd refused the credentials (user, password, token or TLS certificate)";
	case SVCCTL_E_NOETCD:
		return "etcd support not built";
	case SVCCTL_E_URL:
		return "invalid etcd address (expected etcd[s]://HOST:PORT[,HOST:PORT...]/KEY)";
	case SVCCTL_E_NOETCDLIB:
		return "etcd mode needs libcurl.so.4 and libjson-c.so.5: not found";
	}
	if (code < 0 && code > -4096)
		return strerror(-code);
	return "unknown error";
}

const char *svcctl_state_name(int state)
{
	static const char *const names[] = {"absent", "running",     "stale",
					    "remote", "dead-locked", "unknown"};

	if (state < 0 || state > SVCCTL_UNKNOWN)
		return "unknown";
	return names[state];
}

const char *svcctl_reason_name(int reason)
{
	static const char *const names[] = {"",
					    "not running",
					    "zombie",
					    "pid reused",
					    "written before the last boot",
					    "older than the stale age"};

	if (reason < 0 || reason > SVCCTL_REASON_AGED)
		return "";
	return names[reason];
}
