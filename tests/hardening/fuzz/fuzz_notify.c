/*
 * libFuzzer target for svcctl_parse_notify_msg(): one sd_notify datagram
 * from an untrusted server.  Whatever the bytes, the fields must stay in
 * range and STATUS must stay one NUL-terminated printable line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svcctl_notify_msg msg;
	size_t n;

	memset(&msg, 0, sizeof(msg));
	if (svcctl_parse_notify_msg((const char *)data, size, &msg) != 0)
		return 0;
	n = strnlen(msg.status, sizeof(msg.status));
	if (n == sizeof(msg.status) || msg.mainpid < 0 || msg.err < 0 || msg.err > 4095 ||
	    msg.extend_us < 0 || (msg.ready != 0 && msg.ready != 1))
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)msg.status[i] < 0x20)
			abort();
	return 0;
}
