/*
 * The library's own error codes that platform/ returns, and the sizes of
 * the identity strings it fills.  Copies of the public values of
 * svcctl/pidfile.h, so platform/ needs no public header; lib/strerror.c
 * checks at compile time that the two never drift apart.
 */
#ifndef SVCCTL_PLATFORM_ERRORS_H
#define SVCCTL_PLATFORM_ERRORS_H

enum {
	SVCCTL__E_BUSY = -5001,    /* SVCCTL_E_BUSY: held by a live process */
	SVCCTL__E_INVALID = -5002, /* SVCCTL_E_INVALID: bad content or argument */
	SVCCTL__E_UNSAFE = -5004,  /* SVCCTL_E_UNSAFE: unsafe file or directory */
	SVCCTL__E_TIMEOUT = -5006  /* SVCCTL_E_TIMEOUT: a bounded wait ran out */
};

#define SVCCTL__BOOT_MAX 64 /* SVCCTL_BOOT_MAX */
#define SVCCTL__NS_MAX 32   /* SVCCTL_NS_MAX */

#endif /* SVCCTL_PLATFORM_ERRORS_H */
