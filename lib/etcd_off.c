/* etcd mode when it is not built: every etcd:// path says so. */
#include <errno.h>
#include <stddef.h>

#include "etcd.h"

int svcctl__etcd_acquire(const char *url, const struct svcctl_opts *opts, struct etcd_hold **out,
			 struct svcctl_pidinfo *holder)
{
	(void)url, (void)opts, (void)holder;
	*out = NULL;
	return SVCCTL_E_NOETCD;
}

int svcctl__etcd_state(const char *url, const struct svcctl_opts *opts, struct svcctl_pidinfo *info)
{
	(void)url, (void)opts, (void)info;
	return SVCCTL_E_NOETCD;
}

int svcctl__etcd_remove(const char *url)
{
	(void)url;
	return SVCCTL_E_NOETCD;
}

/* No hold can exist without etcd support: the rest are never reached. */
int svcctl__etcd_release(struct etcd_hold *h)
{
	(void)h;
	return SVCCTL_E_NOETCD;
}

int svcctl__etcd_touch(struct etcd_hold *h)
{
	(void)h;
	return SVCCTL_E_NOETCD;
}

int svcctl__etcd_judge(struct etcd_hold *h, struct svcctl_pidinfo *info)
{
	(void)h, (void)info;
	return SVCCTL_E_NOETCD;
}

int svcctl__etcd_publish(struct etcd_hold *h, const struct svcctl_opts *opts,
			 struct svcctl_pidinfo *holder)
{
	(void)h, (void)opts, (void)holder;
	return SVCCTL_E_NOETCD;
}

int64_t svcctl__etcd_token(const struct etcd_hold *h)
{
	(void)h;
	return 0;
}

int svcctl__etcd_lost_fd(const struct etcd_hold *h)
{
	(void)h;
	return -1;
}

int64_t svcctl__etcd_ttl_left(const struct etcd_hold *h)
{
	(void)h;
	return -1;
}

int svcctl_etcd_evict(const char *path, const struct svcctl_opts *opts, int64_t token)
{
	(void)opts, (void)token;
	return svcctl_path_is_etcd(path) ? SVCCTL_E_NOETCD : -EINVAL;
}

int svcctl_etcd_list(const char *path, const struct svcctl_opts *opts, svcctl_list_fn fn, void *arg)
{
	(void)opts, (void)fn, (void)arg;
	return svcctl_path_is_etcd(path) ? SVCCTL_E_NOETCD : -EINVAL;
}
