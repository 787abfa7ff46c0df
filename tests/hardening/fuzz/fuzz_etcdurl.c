/*
 * libFuzzer target for etcd:// addresses: svcctl__etcd_url_parse() on any
 * bytes; an address that parses, written back from its parts, parses to
 * the same endpoints and key.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etcd_url.h"

/* Abort unless every part of u is what a parse may give. */
static void check(const struct etcd_url *u)
{
	if (u->n < 1 || u->n > ETCD_ENDPOINTS_MAX || strlen(u->key) > ETCD_KEY_MAX)
		abort();
	for (int i = 0; i < u->n; i++)
		if (u->endpoint[i][0] == '\0' || strrchr(u->endpoint[i], ':') == NULL ||
		    strpbrk(u->endpoint[i], ",/@"))
			abort();
	for (const char *k = u->key; *k; k++)
		if ((unsigned char)*k < 0x20 || *k == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char in[ETCD_KEY_MAX * 4], out[ETCD_KEY_MAX * 4];
	struct etcd_url u, again;
	size_t n;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (svcctl__etcd_url_parse(in, size & 1, &u) != 0)
		return 0;
	check(&u);
	n = (size_t)snprintf(out, sizeof(out), "%s://", u.tls ? "etcds" : "etcd");
	for (int i = 0; i < u.n; i++)
		n +=
		    (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? "," : "", u.endpoint[i]);
	snprintf(out + n, sizeof(out) - n, "/%s", u.key);
	if (svcctl__etcd_url_parse(out, 1, &again) != 0 || again.n != u.n || again.tls != u.tls ||
	    strcmp(again.key, u.key) != 0 || memcmp(again.endpoint, u.endpoint, sizeof(u.endpoint)))
		abort();
	return 0;
}
