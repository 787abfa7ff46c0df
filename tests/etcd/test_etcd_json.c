/* etcd JSON messages without a server: base64, 64-bit numbers, answers. */
#include <errno.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "etcd_dl.h"
#include "etcd_json.h"
#include "etcd_suites.h"
#include "svcctl/pidfile.h"

static void test_base64_round_trip(void)
{
	char in[300], enc[500], dec[300];

	for (size_t len = 0; len < sizeof(in); len++) {
		for (size_t i = 0; i < len; i++)
			in[i] = (char)(i * 37 + len);
		svcctl__etcd_b64_encode(in, len, enc);
		CU_ASSERT_EQUAL(strlen(enc), 4 * ((len + 2) / 3));
		CU_ASSERT_EQUAL(svcctl__etcd_b64_decode(enc, dec, sizeof(dec)), (int)len);
		CU_ASSERT(memcmp(in, dec, len) == 0);
	}
	svcctl__etcd_b64_encode("svc/web", 7, enc);
	CU_ASSERT_STRING_EQUAL(enc, "c3ZjL3dlYg==");
	CU_ASSERT_EQUAL(svcctl__etcd_b64_decode("c3Zj*3dlYg==", dec, sizeof(dec)), -EINVAL);
	CU_ASSERT_EQUAL(svcctl__etcd_b64_decode("c3ZjL3dlYg==", dec, 3), -EINVAL); /* no room */
}

/* 64-bit numbers as strings stay exact: 2^53 + 1 is not a double. */
static void test_int64_exact(void)
{
	struct json_object *o = json_tokener_parse(
	    "{\"ID\":\"9007199254740993\",\"max\":\"9223372036854775807\","
	    "\"n\":12,\"neg\":\"-1\",\"bad\":\"12x\",\"big\":\"9223372036854775808\"}");
	int64_t v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(svcctl__etcd_get_i64(o, "ID", &v), 0);
	CU_ASSERT_EQUAL(v, INT64_C(9007199254740993));
	CU_ASSERT_EQUAL(svcctl__etcd_get_i64(o, "max", &v), 0);
	CU_ASSERT_EQUAL(v, INT64_MAX);
	CU_ASSERT_EQUAL(svcctl__etcd_get_i64(o, "n", &v), 0);
	CU_ASSERT_EQUAL(v, 12);
	CU_ASSERT_EQUAL(svcctl__etcd_get_i64(o, "neg", &v), 0);
	CU_ASSERT_EQUAL(v, -1);
	CU_ASSERT_EQUAL(svcctl__etcd_get_i64(o, "absent", &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(svcctl__etcd_get_i64(o, "bad", &v), -EPROTO);
	CU_ASSERT_EQUAL(svcctl__etcd_get_i64(o, "big", &v), -EPROTO);
	json_object_put(o);
}

static void test_bodies(void)
{
	char b[ETCD_BODY_MAX];

	CU_ASSERT(svcctl__etcd_body_id(b, sizeof(b), INT64_C(9007199254740993)) > 0);
	CU_ASSERT_STRING_EQUAL(b, "{\"ID\":\"9007199254740993\"}");
	CU_ASSERT(svcctl__etcd_body_range(b, sizeof(b), "a/", 1) > 0);
	CU_ASSERT_STRING_EQUAL(b, "{\"key\":\"YS8=\",\"range_end\":\"YTA=\"}"); /* "a/".."a0" */
	CU_ASSERT(svcctl__etcd_body_range(b, sizeof(b), "", 1) > 0);
	CU_ASSERT_STRING_EQUAL(b, "{\"key\":\"AA==\",\"range_end\":\"AA==\"}"); /* every key */
	CU_ASSERT(svcctl__etcd_body_auth(b, sizeof(b), "ro\"ot", "p\\w") > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(b, "ro\\\"ot"));
	CU_ASSERT_EQUAL(svcctl__etcd_body_id(b, 8, 1), -ENAMETOOLONG);
}

static void test_answers(void)
{
	struct json_object *ok = json_tokener_parse(
	    "{\"header\":{\"revision\":\"41\"},\"succeeded\":true,\"responses\":[{}]}");
	struct json_object *busy = json_tokener_parse(
	    "{\"header\":{\"revision\":\"42\"},\"responses\":[{\"response_range\":{\"kvs\":[{"
	    "\"key\":\"aw==\",\"create_revision\":\"7\",\"mod_revision\":\"9\","
	    "\"lease\":\"9007199254740993\",\"value\":\"MTIzNAo=\"}]}}]}");
	struct json_object *err = json_tokener_parse(
	    "{\"error\":\"etcdserver: authentication failed, invalid user ID or password\","
	    "\"code\":3}");
	struct etcd_kv kv;
	int done, have;
	int64_t rev;

	CU_ASSERT_EQUAL(svcctl__etcd_parse_txn(ok, &done, &rev, &kv, &have), 0);
	CU_ASSERT(done == 1 && rev == 41 && have == 0);
	CU_ASSERT_EQUAL(svcctl__etcd_parse_txn(busy, &done, &rev, &kv, &have), 0);
	CU_ASSERT(done == 0 && rev == 42 && have == 1); /* "succeeded": false is left out */
	CU_ASSERT(kv.create_rev == 7 && kv.lease == INT64_C(9007199254740993));
	CU_ASSERT_STRING_EQUAL(kv.key, "k");
	CU_ASSERT_STRING_EQUAL(kv.value, "1234\n");
	CU_ASSERT_EQUAL(svcctl__etcd_answer_error(err), SVCCTL_E_AUTH);
	CU_ASSERT_EQUAL(svcctl__etcd_answer_error(ok), 0);
	json_object_put(ok);
	json_object_put(busy);
	json_object_put(err);
}

static void test_watch_messages(void)
{
	static const struct {
		const char *json;
		int want;
	} cases[] = {
	    {"{\"result\":{\"header\":{},\"created\":true}}", 0},
	    {"{\"result\":{\"events\":[{\"type\":\"DELETE\",\"kv\":{}}]}}", 1},
	    {"{\"result\":{\"events\":[{\"kv\":{}}]}}", 0}, /* a put */
	    {"{\"result\":{\"compact_revision\":\"5\",\"canceled\":true}}", 1},
	    {"{\"error\":{\"grpc_code\":14,\"message\":\"no leader\"}}", SVCCTL_E_UNREACHABLE},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *o = json_tokener_parse(cases[i].json);

		CU_ASSERT_EQUAL(svcctl__etcd_watch_event(o), cases[i].want);
		json_object_put(o);
	}
}

/* The readers call json-c through the table loaded on the first etcd:// call. */
static void test_load(void)
{
	CU_ASSERT_EQUAL(svcctl__etcd_dl_load(), 0);
}

/* Without the libraries only the load case runs, and fails: nothing calls a NULL pointer. */
CU_pSuite test_etcdjson_suite(void)
{
	static const struct th_case unloaded[] = {{"libcurl and json-c load", test_load},
						  {NULL, NULL}};
	static const struct th_case cases[] = {{"libcurl and json-c load", test_load},
					       {"base64 round trip", test_base64_round_trip},
					       {"64-bit numbers stay exact", test_int64_exact},
					       {"request bodies", test_bodies},
					       {"transaction and error answers", test_answers},
					       {"watch messages", test_watch_messages},
					       {NULL, NULL}};

	return th_add_suite("etcdjson", svcctl__etcd_dl_load() == 0 ? cases : unloaded);
}
