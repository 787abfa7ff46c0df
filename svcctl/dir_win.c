/*
 * scandir and alphasort for the Windows build (mingw-w64 lacks them), so
 * list and cleanup share their code with Unix.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Byte order of the names, as alphasort does in the C locale. */
int alphasort(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Free the first n entries of list and list itself. */
static void free_list(struct dirent **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* Append a copy of d to *list (grown as needed); 0 or -1. */
static int append(struct dirent ***list, size_t *n, size_t *cap, const struct dirent *d)
{
	struct dirent **bigger, *copy;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		bigger = realloc(*list, *cap * sizeof(**list));
		if (bigger == NULL)
			return -1;
		*list = bigger;
	}
	copy = malloc(sizeof(*copy));
	if (copy == NULL)
		return -1;
	memcpy(copy, d, sizeof(*copy));
	(*list)[(*n)++] = copy;
	return 0;
}

/* Insertion sort with cmp: rundirs are small, and qsort would need a cast. */
static void sort(struct dirent **v, size_t n,
		 int (*cmp)(const struct dirent **, const struct dirent **))
{
	for (size_t i = 1; i < n; i++) {
		struct dirent *x = v[i];
		size_t j = i;

		for (; j > 0 &&
		       cmp((const struct dirent **)&v[j - 1], (const struct dirent **)&x) > 0;
		     j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* The entries of dir that keep accepts, sorted by cmp; their count or -1. */
int scandir(const char *dir, struct dirent ***list, int (*keep)(const struct dirent *),
	    int (*cmp)(const struct dirent **, const struct dirent **))
{
	struct dirent **out = NULL, *d;
	size_t n = 0, cap = 0;
	DIR *dp = opendir(dir);

	if (dp == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL) {
		if (keep != NULL && !keep(d))
			continue;
		if (append(&out, &n, &cap, d) < 0) {
			free_list(out, n);
			closedir(dp);
			errno = ENOMEM;
			return -1;
		}
	}
	closedir(dp);
	if (cmp != NULL)
		sort(out, n, cmp);
	*list = out;
	return (int)n;
}
