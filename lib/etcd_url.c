/* Parsing etcd:// addresses; always built, so is_etcd works everywhere. */
#include "etcd_url.h"

#include <string.h>

#include "format.h"
#include "svcctl/pidfile.h"

/* The scheme's length ("etcd://" 7, "etcds://" 8), 0 for another path. */
static size_t scheme_len(const char *s, int *tls)
{
	if (strncmp(s, "etcd://", 7) == 0) {
		*tls = 0;
		return 7;
	}
	if (strncmp(s, "etcds://", 8) == 0) {
		*tls = 1;
		return 8;
	}
	return 0;
}

int svcctl_path_is_etcd(const char *path)
{
	int tls;

	return path != NULL && scheme_len(path, &tls) > 0;
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_';
}

/* The host part of [s, s + len): a name or address, or [IPv6]; its length. */
static size_t host_len(const char *s, size_t len)
{
	size_t i = 0;

	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (close == NULL || close == s + 1)
			return 0;
		for (i = 1; s + i < close; i++)
			if (!(s[i] == ':' || s[i] == '.' || (s[i] >= '0' && s[i] <= '9') ||
			      (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
				return 0;
		return i + 1;
	}
	while (i < len && is_name_char(s[i]))
		i++;
	return i;
}

/* One HOST:PORT of len bytes into out. */
static int parse_endpoint(const char *s, size_t len, char *out)
{
	size_t h = host_len(s, len);
	uint64_t port;

	if (h == 0 || h + 1 >= len || s[h] != ':' || h > 255 || len >= ETCD_ENDPOINT_MAX)
		return SVCCTL_E_URL;
	if (svcctl__parse_u64(s + h + 1, len - h - 1, 65535, &port) < 0 || port == 0)
		return SVCCTL_E_URL;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/* The key: no control bytes, at most ETCD_KEY_MAX bytes. */
static int parse_key(const char *s, int allow_empty, struct etcd_url *u)
{
	size_t len = strlen(s);

	if (len > ETCD_KEY_MAX || (len == 0 && !allow_empty))
		return SVCCTL_E_URL;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return SVCCTL_E_URL;
	memcpy(u->key, s, len + 1);
	return 0;
}

int svcctl__etcd_url_parse(const char *s, int allow_empty_key, struct etcd_url *u)
{
	size_t skip;
	const char *slash;

	memset(u, 0, sizeof(*u));
	if (s == NULL || (skip = scheme_len(s, &u->tls)) == 0)
		return SVCCTL_E_URL;
	s += skip;
	slash = strchr(s, '/');
	if (slash == NULL)
		return SVCCTL_E_URL;
	while (s < slash) {
		const char *comma = memchr(s, ',', (size_t)(slash - s));
		const char *end = comma ? comma : slash;

		if (u->n == ETCD_ENDPOINTS_MAX ||
		    parse_endpoint(s, (size_t)(end - s), u->endpoint[u->n]) < 0)
			return SVCCTL_E_URL;
		u->n++;
		s = comma ? comma + 1 : slash;
		if (comma && s == slash)
			return SVCCTL_E_URL; /* a trailing comma */
	}
	if (u->n == 0)
		return SVCCTL_E_URL;
	return parse_key(slash + 1, allow_empty_key, u);
}
