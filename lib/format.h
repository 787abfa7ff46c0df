/*
 * Pure pidfile content handling: bytes to struct svcctl_pidinfo and back.
 * No I/O here, so tests and the fuzzer call these directly.
 */
#ifndef SVCCTL_FORMAT_H
#define SVCCTL_FORMAT_H

#include <stddef.h>

#include "platform.h"
#include "svcctl/pidfile.h"

/* Most bytes a pidfile may have; a larger one is invalid content. */
#define SVCCTL_PIDFILE_MAX 4096

/*
 * Parse pidfile content of len bytes.  The first line is the pid (2 ..
 * pid_max, digits only, blanks around allowed); further lines are
 * key=value (host, start, boot, msg, pidns; others ignored).  Returns 0 or
 * SVCCTL_E_INVALID.  Fills pid, host, start, boot, msg and pidns of *out.
 */
int svcctl__parse(const char *buf, size_t len, int64_t pid_max, struct svcctl_pidinfo *out);

/*
 * Format *in as pidfile content into buf (size bytes).  Returns the length,
 * -EINVAL when a field holds a newline or NUL-less junk, -ENAMETOOLONG when
 * it does not fit.
 */
int svcctl__format(const struct svcctl_pidinfo *in, char *buf, size_t size);

#endif /* SVCCTL_FORMAT_H */
