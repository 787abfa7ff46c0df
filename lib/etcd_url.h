/*
 * etcd:// and etcds:// addresses: pure parsing, no I/O, so tests and the
 * fuzzer call it directly.
 */
#ifndef SVCCTL_ETCD_URL_H
#define SVCCTL_ETCD_URL_H

#include <stddef.h>

#define ETCD_ENDPOINTS_MAX 8
#define ETCD_ENDPOINT_MAX 262 /* "[" host "]:" 5-digit port */
#define ETCD_KEY_MAX 1024

/* A parsed address: endpoints to try in order, and the key. */
struct etcd_url {
	int tls;                                              /* etcds:// */
	int n;                                                /* endpoints */
	char endpoint[ETCD_ENDPOINTS_MAX][ETCD_ENDPOINT_MAX]; /* "host:port" */
	char key[ETCD_KEY_MAX + 1];                           /* after the first '/' */
};

/*
 * Parse s: "etcd" or "etcds", "://", 1 to ETCD_ENDPOINTS_MAX comma-separated
 * HOST:PORT (HOST a name, IPv4 address or [IPv6]; PORT 1-65535; no
 * user@), "/", then the key: every byte up to the end, none a control
 * byte, taken literally (no %-decoding).  An empty key is accepted only
 * when allow_empty_key (a prefix for listing).  0 or SVCCTL_E_URL.
 */
int svcctl__etcd_url_parse(const char *s, int allow_empty_key, struct etcd_url *u);

#endif /* SVCCTL_ETCD_URL_H */
