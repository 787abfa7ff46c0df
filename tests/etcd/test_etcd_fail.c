/*
 * etcd mode when things go wrong: etcd stopped, a holder paused past its
 * TTL, a compacted watch, a lease id above 2^53, authentication, no etcd
 * at all, and a member of a three-member cluster killed mid-hold.  Each
 * test starts its own etcd, since it stops, reconfigures or kills it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "etcd_hold.h"
#include "etcd_server.h"
#include "etcd_suites.h"
#include "internal.h"

#define TTL_MS 2000

/* SIGSTOP etcd: the loss is announced before the lease deadline, nothing blocks past it. */
static void test_etcd_stopped(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, NULL), slow = te_opts(60000, NULL);
	struct svcctl_lock *lk, *lk2;
	struct svcctl_pidinfo h;
	struct te_cluster c;
	char key[PATH_MAX], key2[PATH_MAX];
	int64_t deadline, t;
	int rc;

	CU_ASSERT_FATAL(te_start(&c, 1) == 0);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(te_key(&c, "stopped", key), &o, &lk, NULL), 0);
	/* a long lease, not lost during the outage; its requests are bounded by 500 ms */
	slow.etcd_request_ms = 500;
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(te_key(&c, "slow", key2), &slow, &lk2, NULL), 0);
	CU_ASSERT_FATAL(te_pause_member(&c, 0) == 0);
	deadline = te_mono_ms() + svcctl_lock_ttl_left_ms(lk);
	rc = svcctl_lock_touch(lk); /* a renewal now: it cannot get through */
	CU_ASSERT(rc == SVCCTL_E_UNREACHABLE || rc == SVCCTL_E_LOST);
	CU_ASSERT(te_mono_ms() <= deadline);
	CU_ASSERT(te_readable(svcctl_lock_lost_fd(lk), (int)(deadline - te_mono_ms())));
	t = te_mono_ms();
	CU_ASSERT(t < deadline);
	printf("\n    loss announced %lld ms before the lease deadline\n",
	       (long long)(deadline - t));
	CU_ASSERT_EQUAL(svcctl_lock_touch(lk), SVCCTL_E_LOST);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), SVCCTL_E_LOST);
	CU_ASSERT(te_mono_ms() - t < 1000); /* no request after the loss */
	o.etcd_request_ms = 300;
	t = te_mono_ms();
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, &o, &h), SVCCTL_E_UNREACHABLE);
	CU_ASSERT(te_mono_ms() - t < 3000); /* 300 ms asked; wide for a busy machine */
	/* releasing a live lease: the renewal in flight is cancelled, the revoke bounded */
	t = te_mono_ms();
	CU_ASSERT_EQUAL(svcctl_lock_touch(lk2), SVCCTL_E_UNREACHABLE);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk2), SVCCTL_E_UNREACHABLE);
	CU_ASSERT(te_mono_ms() - t < 5000); /* 2 x 500 ms and a second for the cancel */
	kill(c.pid[0], SIGCONT);
	te_stop(&c);
}

/*
 * etcd away for longer than a TTL while a process waits: the waiter's
 * lease is lost and granted anew, and it owns the key once the holder's
 * lease has expired.
 */
static void test_waiter_rides_out_outage(void)
{
	struct svcctl_opts o = te_opts(1000, NULL);
	struct svcctl_lock *lk;
	struct te_cluster c;
	char key[PATH_MAX];
	pid_t pid;

	CU_ASSERT_FATAL(te_start(&c, 1) == 0);
	te_key(&c, "outage", key);
	CU_ASSERT_EQUAL_FATAL(te_hold_with_waiter(key, &o, 60000, &lk, &pid), 0);
	usleep(300000); /* let the waiter reach its watch; the test holds either way */
	CU_ASSERT_FATAL(te_pause_member(&c, 0) == 0);
	/* the outage itself: longer than both leases' TTL and the holder's loss */
	CU_ASSERT(te_readable(svcctl_lock_lost_fd(lk), 5000));
	usleep(1000000);
	kill(c.pid[0], SIGCONT);
	CU_ASSERT_EQUAL(th_wait(pid), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), SVCCTL_E_LOST);
	te_stop(&c);
}

/* A holder paused past its TTL: the waiter takes over, the holder learns on resume. */
static void test_holder_paused(void)
{
	struct svcctl_opts o = te_opts(1000, "taker");
	struct svcctl_lock *lk;
	struct te_cluster c;
	char key[PATH_MAX], ok;
	int up[2];
	pid_t pid;

	CU_ASSERT_FATAL(te_start(&c, 1) == 0);
	te_key(&c, "paused", key);
	CU_ASSERT_FATAL(pipe(up) == 0);
	pid = fork();
	if (pid == 0) {
		struct svcctl_lock *mine;

		if (svcctl_pidfile_lock(key, &o, &mine, NULL) != 0 || write(up[1], "h", 1) != 1)
			_exit(1);
		/* resumed after the takeover: the loss shows at once */
		if (!te_readable(svcctl_lock_lost_fd(mine), 30000))
			_exit(2);
		_exit(svcctl_lock_release(mine) == SVCCTL_E_LOST ? 0 : 3);
	}
	CU_ASSERT_FATAL(read(up[0], &ok, 1) == 1);
	kill(pid, SIGSTOP);
	o.timeout_ms = 20000;
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(key, &o, &lk, NULL), 0);
	kill(pid, SIGCONT);
	CU_ASSERT_EQUAL(th_wait(pid), 0);
	CU_ASSERT_FALSE(te_readable(svcctl_lock_lost_fd(lk), 0));
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	close(up[0]);
	close(up[1]);
	te_stop(&c);
}

/* Put key=value with curl; the revision after it. */
static int64_t put(struct te_cluster *c, const char *b64key)
{
	char body[256], out[1024];
	const char *rev;

	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"value\":\"eA==\"}", b64key);
	if (te_post(c, 0, "/v3/kv/put", body, out, sizeof(out)) < 0)
		return -1;
	rev = strstr(out, "\"revision\":\"");
	return rev ? strtoll(rev + 12, NULL, 10) : -1;
}

/* A watch from a compacted revision wakes its waiter, and a waiter survives a compaction. */
static void test_compacted_watch(void)
{
	struct svcctl_opts o = te_opts(5000, NULL);
	struct svcctl_lock *lk;
	struct te_cluster c;
	char key[PATH_MAX], body[128], out[1024];
	int64_t rev = 0, t;
	pid_t pid;

	CU_ASSERT_FATAL(te_start(&c, 1) == 0);
	te_key(&c, "compacted", key);
	CU_ASSERT_EQUAL_FATAL(te_hold_with_waiter(key, &o, 30000, &lk, &pid), 0);
	for (int i = 0; i < 20; i++)
		rev = put(&c, "b3RoZXI="); /* "other" */
	CU_ASSERT_FATAL(rev > 0);
	snprintf(body, sizeof(body), "{\"revision\":\"%lld\",\"physical\":true}", (long long)rev);
	CU_ASSERT_EQUAL(te_post(&c, 0, "/v3/kv/compaction", body, out, sizeof(out)), 0);
	/* a watch from before the compaction is cancelled, and wakes at once */
	t = te_mono_ms();
	CU_ASSERT_EQUAL(svcctl__etcd_wait_delete(lk->etcd, 2, te_mono_ms() + 20000), 1);
	CU_ASSERT(te_mono_ms() - t < 900); /* below the 1 s re-check cap */
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	CU_ASSERT_EQUAL(th_wait(pid), 0);
	te_stop(&c);
}

/* A lease id above 2^53 survives the JSON round trips: keepalive and revoke work. */
static void test_lease_above_2_53(void)
{
	const int64_t id = INT64_C(9007199254740993);
	struct svcctl_opts o = te_opts(1000, NULL);
	struct svcctl_pidinfo h;
	struct etcd_hold *hold;
	struct te_cluster c;
	char key[PATH_MAX];

	CU_ASSERT_FATAL(te_start(&c, 1) == 0);
	te_key(&c, "big", key);
	CU_ASSERT_EQUAL_FATAL(svcctl__etcd_acquire_id(key, &o, id, &hold, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(h.lease, id);
	/* three TTLs: only renewals of exactly this id keep it */
	CU_ASSERT_FALSE(te_readable(svcctl__etcd_lost_fd(hold), 3000));
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(h.lease, id);
	CU_ASSERT_EQUAL(svcctl__etcd_release(hold), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_ABSENT);
	te_stop(&c);
}

/* A listening socket that never answers: a blackholed etcd. */
static int blackhole(int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static void test_unreachable(void)
{
	struct svcctl_opts o = te_opts(1000, NULL);
	struct svcctl_lock *lk;
	struct svcctl_pidinfo h;
	char key[PATH_MAX];
	int port = 0, fd = blackhole(&port);
	int64_t t;

	CU_ASSERT_FATAL(fd >= 0);
	/* nobody listens on port 1 of loopback: refused at once */
	t = te_mono_ms();
	CU_ASSERT_EQUAL(svcctl_pidfile_state("etcd://127.0.0.1:1/k", NULL, &h),
			SVCCTL_E_UNREACHABLE);
	CU_ASSERT_EQUAL(svcctl_pidfile_lock("etcd://127.0.0.1:1/k", &o, &lk, NULL),
			SVCCTL_E_UNREACHABLE);
	CU_ASSERT_PTR_NULL(lk);
	CU_ASSERT(te_mono_ms() - t < 3000);
	/* accepted by the kernel, never answered: the request bound ends it */
	snprintf(key, sizeof(key), "etcd://127.0.0.1:%d/k", port);
	o.etcd_request_ms = 300;
	t = te_mono_ms();
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(key, &o, &lk, NULL), SVCCTL_E_UNREACHABLE);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, &o, &h), SVCCTL_E_UNREACHABLE);
	CU_ASSERT(te_mono_ms() - t < 5000); /* 2 x 300 ms asked; wide for a busy machine */
	/* a dead endpoint first, then the blackhole: both tried, still bounded */
	snprintf(key, sizeof(key), "etcd://127.0.0.1:1,127.0.0.1:%d/k", port);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, &o, &h), SVCCTL_E_UNREACHABLE);
	close(fd);
}

/*
 * The lease TTL of the cluster test.  Killing a member may kill the raft
 * leader: the other two elect a new one (election timeout 500 ms, up to
 * twice that randomised, longer on a busy machine or under the sanitizers)
 * while renewals wait, and a holder declares its lease lost a quarter TTL
 * before it could expire.  A 2 s TTL left 1.5 s for election and failover,
 * which a loaded ASan run once missed; 6 s leaves 4.5 s, and a holder whose
 * renewals never went through would still be caught within 1.5 TTL.
 */
#define CLUSTER_TTL_MS 6000

/* Three members; the one the holder talks to is killed: the lease goes on via another. */
static void test_cluster_member_killed(void)
{
	struct svcctl_opts o = te_opts(CLUSTER_TTL_MS, NULL);
	struct svcctl_lock *lk;
	struct svcctl_pidinfo h;
	struct te_cluster c;
	char key[PATH_MAX], other[PATH_MAX];

	CU_ASSERT_FATAL(te_start(&c, 3) == 0);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(te_key(&c, "ha", key), &o, &lk, NULL), 0);
	te_kill_member(&c, 0); /* the first endpoint, the one in use */
	/* past the TTL: renewals must have gone through the other members */
	CU_ASSERT_FALSE(te_readable(svcctl_lock_lost_fd(lk), CLUSTER_TTL_MS * 3 / 2));
	snprintf(other, sizeof(other), "%sha", c.member_url[1]);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(other, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(h.token, svcctl_lock_token(lk));
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(other, NULL, &h), SVCCTL_ABSENT);
	te_stop(&c);
}

CU_pSuite test_etcdfail_suite(void)
{
	static const struct th_case cases[] = {
	    {"etcd stopped: loss before the deadline, nothing blocks", test_etcd_stopped},
	    {"a holder paused past its TTL learns of the takeover", test_holder_paused},
	    {"a waiter rides out an etcd outage", test_waiter_rides_out_outage},
	    {"a compacted watch wakes its waiter", test_compacted_watch},
	    {"a lease id above 2^53", test_lease_above_2_53},
	    {"etcd unreachable: a clear code, never a hang", test_unreachable},
	    {"three members, one killed mid-hold", test_cluster_member_killed},
	    {NULL, NULL}};

	return th_add_suite("etcdfail", cases);
}
