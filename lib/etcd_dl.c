/*
 * The sym_ table of etcd_dl.h: dlopen of libcurl and json-c by soname on
 * the first etcd:// call, RTLD_NOW so a missing symbol is found at once,
 * RTLD_LOCAL so their symbols never reach the program's namespace, and
 * never closed (libcurl keeps process-wide state once set up).
 */
#include "etcd_dl.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/auxv.h>

#include "svcctl/pidfile.h"

/* The pointers etcd_dl.h declares. */
#define DEFINE(name) __typeof__(name) *svcctl__sym_##name;
ETCD_DL_CURL(DEFINE)
ETCD_DL_JSONC(DEFINE)

/* One pointer to fill and the name to look up for it. */
struct dlsym_arg {
	void **fn;
	const char *name;
};

/* One row of the tables: the pointer of name, and name. */
#define ARG(name) {(void **)&svcctl__sym_##name, #name},

static const struct dlsym_arg curl_syms[] = {ETCD_DL_CURL(ARG){NULL, NULL}};
static const struct dlsym_arg json_syms[] = {ETCD_DL_JSONC(ARG){NULL, NULL}};

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
/* svcctl__etcd_dl_load()'s result, written once under load_once. */
static int load_rc;

/*
 * The file to open for soname: env's value when set (a test points it at
 * a missing file to see the error), but never in a set-id or otherwise
 * secure-execution process, where the caller's environment is not trusted.
 */
static const char *lib_name(const char *soname, const char *env)
{
	const char *v = getauxval(AT_SECURE) ? NULL : getenv(env);

	return v && v[0] ? v : soname;
}

/* Open one library and resolve all of args; 0 or SVCCTL_E_NOETCDLIB. */
static int open_many(const char *file, const struct dlsym_arg *args)
{
	void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL)
		return SVCCTL_E_NOETCDLIB;
	for (; args->fn; args++) {
		*args->fn = dlsym(h, args->name);
		if (*args->fn == NULL)
			return SVCCTL_E_NOETCDLIB; /* handle kept: never closed */
	}
	return 0;
}

/* Both libraries, then libcurl's process-wide setup before any handle. */
static void load(void)
{
	load_rc = open_many(lib_name(ETCD_DL_LIBCURL, "SVCCTL_ETCD_LIBCURL"), curl_syms);
	if (load_rc == 0)
		load_rc = open_many(lib_name(ETCD_DL_LIBJSONC, "SVCCTL_ETCD_LIBJSONC"), json_syms);
	if (load_rc == 0 && svcctl__sym_curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		load_rc = -ENOMEM;
}

int svcctl__etcd_dl_load(void)
{
	pthread_once(&load_once, load);
	return load_rc;
}
