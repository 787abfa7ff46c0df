/*
 * bench-lib: the in-process benchmarks of libsvcctl against libbsd's
 * pidfile(3), flock and the bare system calls.
 *
 * usage: bench-lib cycle       [RUNOPTS] DIR
 *        bench-lib handoff     [RUNOPTS] DIR
 *        bench-lib handoff-cli [RUNOPTS] DIR SVCCTL STAMP TOOL[,TOOL...] [FLOOR]
 *        bench-lib contend     [RUNOPTS] DIR PROCS CYCLES
 *        bench-lib mkfiles     DIR COUNT live|dead
 * RUNOPTS: -n ROUNDS -w WARMUP -T TITLE -r K:LIMIT
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

int bench_fail(const char *what, const char *why)
{
	fprintf(stderr, "bench-lib: %s: %s\n", what, why);
	return 1;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(const struct runopts *, int, char **);
	} modes[] = {{"cycle", bench_cycle},
		     {"handoff", bench_handoff},
		     {"handoff-cli", bench_handoff_cli},
		     {"contend", bench_contend}};
	struct runopts o;
	int i;

	if (argc >= 2 && strcmp(argv[1], "mkfiles") == 0)
		return bench_mkfiles(argc - 2, argv + 2);
	for (size_t m = 0; argc >= 2 && m < sizeof(modes) / sizeof(modes[0]); m++) {
		if (strcmp(argv[1], modes[m].name) != 0)
			continue;
		i = runopts_parse(&o, argc - 1, argv + 1);
		if (i < 0)
			break;
		return modes[m].fn(&o, argc - 1 - i, argv + 1 + i);
	}
	fprintf(stderr,
		"usage: bench-lib cycle|handoff|handoff-cli|contend [-n ROUNDS] [-w WARMUP]\n"
		"         [-T TITLE] [-r K:LIMIT] ARGS...\n"
		"       bench-lib mkfiles DIR COUNT live|dead\n");
	return 2;
}
