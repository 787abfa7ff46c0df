/*
 * libcurl and json-c, loaded on the first etcd:// call rather than linked:
 * a program that never uses etcd mode starts with the C library alone.
 * The etcd code calls sym_NAME, a pointer with NAME's own prototype from
 * the library's header, filled once by svcctl__etcd_dl_load() and never changed.
 */
#ifndef SVCCTL_ETCD_DL_H
#define SVCCTL_ETCD_DL_H

#include <curl/curl.h>
#include <json-c/json.h>

/* The sonames opened: the ABIs the headers we compile against describe. */
#define ETCD_DL_LIBCURL "libcurl.so.4"
#define ETCD_DL_LIBJSONC "libjson-c.so.5"

/* The functions the etcd code calls, one X(NAME) each, per library. */
/* clang-format off */
#define ETCD_DL_CURL(X)        \
	X(curl_global_init)    \
	X(curl_easy_init)      \
	X(curl_easy_reset)     \
	X(curl_easy_setopt)    \
	X(curl_easy_perform)   \
	X(curl_easy_cleanup)   \
	X(curl_slist_append)   \
	X(curl_slist_free_all)
#define ETCD_DL_JSONC(X)                  \
	X(json_tokener_new)               \
	X(json_tokener_parse_ex)          \
	X(json_tokener_free)              \
	X(json_object_new_object)         \
	X(json_object_new_string)         \
	X(json_object_object_add)         \
	X(json_object_object_get_ex)      \
	X(json_object_array_length)       \
	X(json_object_array_get_idx)      \
	X(json_object_is_type)            \
	X(json_object_get)                \
	X(json_object_get_string)         \
	X(json_object_get_boolean)        \
	X(json_object_get_int64)          \
	X(json_object_put)                \
	X(json_object_to_json_string_ext)
/* clang-format on */

/* sym_NAME: the pointer to NAME, typed as NAME is declared. */
#define ETCD_DL_DECLARE(name) extern __typeof__(name) *svcctl__sym_##name;
ETCD_DL_CURL(ETCD_DL_DECLARE)
ETCD_DL_JSONC(ETCD_DL_DECLARE)

/*
 * Open both libraries and resolve every sym_ pointer, then set libcurl
 * up; done once per process, later calls return the first result.
 * 0, or SVCCTL_E_NOETCDLIB when a library or one of its symbols is
 * missing (no pointer is then used).
 */
int svcctl__etcd_dl_load(void);

#endif /* SVCCTL_ETCD_DL_H */
