/*
 * etcd mode of the front end: the verbs on an etcd://HOSTS/KEY target
 * (etcd_cli.c), the holding side of run and start (etcd_hold.c) and the
 * key and its holder as both tell them (etcd_key.c).
 */
#ifndef SVCCTL_ETCD_CLI_H
#define SVCCTL_ETCD_CLI_H

#include "cli.h"

/* The key of an etcd://HOSTS/KEY address: what follows the hosts. */
const char *etcd_key_of(const char *path);

/* "pid P on HOST (token T, lease Ns left)" for messages, into buf. */
void etcd_holder_text(const struct svcctl_pidinfo *in, char *buf, size_t size);

/* Report a key held by another as "PATH: WHAT by ..." (an error for HOLD_RUN). */
void etcd_say_holder(const struct cli *c, enum hold_mode mode, const char *what,
		     const struct svcctl_pidinfo *in);

/* Is the key held now?  1 (said so), 0 free; an error is left to the acquire. */
int etcd_running(const struct cli *c);

/*
 * Take the key: CLI_GO_ON with *lk, else an exit code (held by another:
 * reported, EXIT_RUN_BUSY for HOLD_RUN, EXIT_OK for HOLD_START).
 */
int etcd_acquire(const struct cli *c, enum hold_mode mode, int64_t timeout_ms,
		 struct svcctl_lock **lk);

/* Wait for the child or the lease's loss; the child's code or EXIT_RUN_LOST. */
int etcd_hold_child(const struct cli *c, struct svcctl_lock *lk, struct spawn *sp, int group);

/* run and start --foreground in etcd mode. */
int etcd_run(struct cli *c, int64_t timeout_ms, enum hold_mode mode);

/* start in etcd mode: a holder process keeps the key while its server runs. */
int etcd_start(struct cli *c);

#endif /* SVCCTL_ETCD_CLI_H */
