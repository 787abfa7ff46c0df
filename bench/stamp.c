/*
 * bench-stamp FILE [LINGER_MS]: write the CLOCK_MONOTONIC time in
 * microseconds to FILE, stay LINGER_MS, and exit.  Run as the COMMAND of a
 * lock holder, it marks the moment the waiter owned the lock and ran what
 * it guards; lingering keeps it alive while its parent records its pid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct timespec ts;
	long linger = argc == 3 ? atol(argv[2]) : 0;
	FILE *f;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (argc < 2 || argc > 3 || linger < 0 || (f = fopen(argv[1], "w")) == NULL)
		return 2;
	fprintf(f, "%.3f\n", (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3);
	if (fclose(f) != 0)
		return 1;
	ts.tv_sec = linger / 1000;
	ts.tv_nsec = linger % 1000 * 1000000L;
	nanosleep(&ts, NULL);
	return 0;
}
