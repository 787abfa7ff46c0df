/*
 * libFuzzer target for etcd's JSON answers: any bytes, parsed as JSON,
 * through every reader of answers (errors, transactions, ranges, watch
 * messages, 64-bit fields); none may crash, and what they fill stays in
 * bounds and NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "etcd_dl.h"
#include "etcd_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	struct etcd_kv kv;
	int64_t rev, v;
	int ok, have;

	/* the readers call json-c through the table etcd mode loads */
	if (svcctl__etcd_dl_load() != 0)
		abort();
	if (tok == NULL)
		return 0;
	o = json_tokener_parse_ex(tok, (const char *)data, (int)(size > 65536 ? 65536 : size));
	json_tokener_free(tok);
	if (o == NULL)
		return 0;
	svcctl__etcd_answer_error(o);
	svcctl__etcd_watch_event(o);
	svcctl__etcd_get_i64(o, "ID", &v);
	if (svcctl__etcd_parse_txn(o, &ok, &rev, &kv, &have) == 0 && have &&
	    (memchr(kv.value, '\0', sizeof(kv.value)) == NULL || kv.value_len > ETCD_VALUE_MAX))
		abort();
	if (svcctl__etcd_range_kv(svcctl__etcd_result(o), 0, &kv) == 1 &&
	    strlen(kv.key) > ETCD_KEY_MAX)
		abort();
	json_object_put(o);
	return 0;
}
