/*
 * Replays seed corpora through a fuzz target without libFuzzer, so every
 * compiler's build (and the sanitizer build) runs the seeds under ctest.
 * Usage: fuzz_X_replay DIR|FILE...  Exits non-zero on an unreadable input;
 * a finding aborts, as it does under the fuzzer.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed one file to the target; -1 when it cannot be read. */
static int replay_file(const char *path)
{
	static uint8_t buf[1 << 20];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

/* Feed every regular file of dir; the count fed, or -1. */
static int replay_dir(const char *dir)
{
	char path[4096];
	struct dirent *e;
	struct stat st;
	int count = 0;
	DIR *d = opendir(dir);

	if (d == NULL) {
		perror(dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && count >= 0)
			count = replay_file(path) < 0 ? -1 : count + 1;
	}
	closedir(d);
	return count;
}

int main(int argc, char **argv)
{
	struct stat st;
	int total = 0;

	for (int i = 1; i < argc; i++) {
		int n = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode) ? replay_dir(argv[i])
								       : replay_file(argv[i]) + 1;
		if (n < 0)
			return 1;
		total += n;
	}
	printf("%d inputs replayed, no finding\n", total);
	return total > 0 ? 0 : 1;
}
