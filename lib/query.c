/* Conveniences users of other lock libraries look for first. */
#include <errno.h>
#include <string.h>

#include "internal.h"

int svcctl_critical_section(const char *path, const struct svcctl_opts *opts, svcctl_section_fn fn,
			    void *arg, int *result, struct svcctl_pidinfo *holder)
{
	struct svcctl_lock *lk;
	int rc;

	if (fn == NULL || result == NULL)
		return -EINVAL;
	rc = svcctl_pidfile_write_locked(path, opts, &lk, holder);
	if (rc < 0)
		return rc;
	*result = fn(arg);
	return svcctl_lock_release(lk);
}

int svcctl_pidfile_is_mine(const char *path)
{
	struct svcctl_pidinfo info;
	int rc = svcctl_pidfile_state(path, NULL, &info);

	if (rc < 0)
		return rc;
	/* a key's holder may be on any host: the whole identity counts there */
	if (svcctl_path_is_etcd(path))
		return rc == SVCCTL_RUNNING && svcctl__names_self(&info);
	return rc == SVCCTL_RUNNING && info.pid == svcctl__self_pid();
}

int svcctl_pidfile_message(const char *path, char *buf, size_t size)
{
	struct svcctl_pidinfo info;
	int rc = svcctl_pidfile_read(path, &info);

	if (rc < 0)
		return rc;
	if (size == 0 || strlen(info.msg) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, info.msg);
	return 0;
}
