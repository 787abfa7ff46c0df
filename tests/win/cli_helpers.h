/* Helpers of the CLI suite: run svcctl.exe ($SVCCTL_EXE) and read what it said. */
#ifndef SVCCTL_TESTS_WIN_CLI_HELPERS_H
#define SVCCTL_TESTS_WIN_CLI_HELPERS_H

#include "helpers.h"

CU_pSuite test_cli_suite(void);

/*
 * Start svcctl with args (NULL-terminated), stdout and stderr into the
 * file out, stdin from in (may be NULL); its process handle, or NULL.
 */
HANDLE cli_start(const char *out, HANDLE in, const char *const *args, DWORD *pid);

/* Wait for a started svcctl (killed after 30 s); its exit code, or -1. */
int cli_finish(HANDLE proc);

/* cli_start + cli_finish with no stdin. */
int cli_run(const char *out, const char *const *args);

/* Does the output file contain needle? */
int cli_output_has(const char *out, const char *needle);

/* Wait up to ms for path to exist; 0 or -1. */
int cli_await_file(const char *path, int64_t ms);

/* The pid on the first line of a pidfile, or -1. */
int64_t cli_pidfile_pid(const char *path);

#endif /* SVCCTL_TESTS_WIN_CLI_HELPERS_H */
