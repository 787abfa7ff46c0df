/* Helpers shared by the Unix platform files; never used outside platform/. */
#ifndef SVCCTL_PLATFORM_UNIX_H
#define SVCCTL_PLATFORM_UNIX_H

#include <sys/stat.h>

#include "platform.h"

/* Fill *meta from a stat result. */
void svcctl__unix_meta(const struct stat *st, struct svcctl__filemeta *meta);

/* 0 if path (not followed) is the file id, -ESTALE if another, or -errno. */
int svcctl__unix_same(const char *path, const struct svcctl__fileid *id);

/*
 * Read ahead what publishing a record will need (boot id, pid namespace),
 * for a waiter about to block: once handed the lock it only writes.
 */
void svcctl__unix_ident_warm(void);

/* The monotonic clock in microseconds. */
int64_t svcctl__unix_mono_us(void);

#endif /* SVCCTL_PLATFORM_UNIX_H */
