/*
 * etcd mode, as the rest of the library sees it: the entry points that an
 * etcd:// path or an etcd lock is dispatched to.  Built from etcd_*.c when
 * SVCCTL_ETCD is on, else from etcd_off.c (SVCCTL_E_NOETCD everywhere).
 */
#ifndef SVCCTL_ETCD_H
#define SVCCTL_ETCD_H

#include "svcctl/pidfile.h"

/* The etcd side of a struct svcctl_lock; opaque outside etcd_*.c. */
struct etcd_hold;

/* Acquire the key of url for the calling process (write_locked, lock). */
int svcctl__etcd_acquire(const char *url, const struct svcctl_opts *opts, struct etcd_hold **out,
			 struct svcctl_pidinfo *holder);

/* The same on a lease of the given id (0: etcd picks one); for tests. */
int svcctl__etcd_acquire_id(const char *url, const struct svcctl_opts *opts, int64_t lease_id,
			    struct etcd_hold **out, struct svcctl_pidinfo *holder);

/* Read and judge the key of url (read, state). */
int svcctl__etcd_state(const char *url, const struct svcctl_opts *opts,
		       struct svcctl_pidinfo *info);

/* Revoke the key's lease if the record names the calling process. */
int svcctl__etcd_remove(const char *url);

/* Revoke our lease, stop the keepalive and free (release, close). */
int svcctl__etcd_release(struct etcd_hold *h);

/* Renew now; SVCCTL_E_LOST once lost. */
int svcctl__etcd_touch(struct etcd_hold *h);

/* Read the key we hold (lock_judge). */
int svcctl__etcd_judge(struct etcd_hold *h, struct svcctl_pidinfo *info);

/* Rewrite our record under the same lease and token (lock_publish). */
int svcctl__etcd_publish(struct etcd_hold *h, const struct svcctl_opts *opts,
			 struct svcctl_pidinfo *holder);

/* Token, loss descriptor and time left of a hold. */
int64_t svcctl__etcd_token(const struct etcd_hold *h);
int svcctl__etcd_lost_fd(const struct etcd_hold *h);
int64_t svcctl__etcd_ttl_left(const struct etcd_hold *h);

#endif /* SVCCTL_ETCD_H */
