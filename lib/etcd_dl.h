/*
 * libcurl and json-c, loaded on the first etcd:// call rather than linked:
 * a program that never uses etcd mode starts with the C library alone.
 * The etcd code calls sym_NAME, a pointer with NAME's own prototype from
 * the library's header, filled once by etcd_dl_load() and never changed.
 */
#ifndef SVCCTL_ETCD_DL_H
#define SVCCTL_ETCD_DL_H

#include <curl/curl.h>
#include <json-c/json.h>

/* The sonames opened: the ABIs the headers we compile against describe. */
#define ETCD_DL_LIBCURL "libcurl.so.4"
#define ETCD_DL_LIBJSONC "libjson-c.so.5"

/* The pointer to NAME, typed as NAME is declared. */
#define ETCD_DLSYM(name) extern __typeof__(name) *sym_##name

ETCD_DLSYM(curl_global_init);
ETCD_DLSYM(curl_easy_init);
ETCD_DLSYM(curl_easy_reset);
ETCD_DLSYM(curl_easy_setopt);
ETCD_DLSYM(curl_easy_perform);
ETCD_DLSYM(curl_easy_cleanup);
ETCD_DLSYM(curl_slist_append);
ETCD_DLSYM(curl_slist_free_all);

ETCD_DLSYM(json_tokener_new);
ETCD_DLSYM(json_tokener_parse_ex);
ETCD_DLSYM(json_tokener_free);
ETCD_DLSYM(json_object_new_object);
ETCD_DLSYM(json_object_new_string);
ETCD_DLSYM(json_object_object_add);
ETCD_DLSYM(json_object_object_get_ex);
ETCD_DLSYM(json_object_array_length);
ETCD_DLSYM(json_object_array_get_idx);
ETCD_DLSYM(json_object_is_type);
ETCD_DLSYM(json_object_get);
ETCD_DLSYM(json_object_get_string);
ETCD_DLSYM(json_object_get_boolean);
ETCD_DLSYM(json_object_get_int64);
ETCD_DLSYM(json_object_put);
ETCD_DLSYM(json_object_to_json_string_ext);

/*
 * Open both libraries and resolve every sym_ pointer, then set libcurl
 * up; done once per process, later calls return the first result.
 * 0, or SVCCTL_E_NOETCDLIB when a library or one of its symbols is
 * missing (no pointer is then used).
 */
int etcd_dl_load(void);

#endif /* SVCCTL_ETCD_DL_H */
