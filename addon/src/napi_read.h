/* Reading JS values into C memory, for the LaunchPlan (plan.c) and the
 * SeccompPlan (seccomp.c): every read is checked, and what the child would
 * get wrong is refused with a TypeError naming the field: a string with a
 * NUL byte (C would cut it there), a string longer than its limit, a number
 * that is not an integer in the range of its C type, a bigint that does not
 * fit 64 bits, an array longer than its limit. TypeScript checks the same
 * ranges first, naming the config field (lib/plan/limits.ts); this is the
 * addon not trusting its caller. */
#ifndef RUNTS_NAPI_READ_H
#define RUNTS_NAPI_READ_H

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/* one object being read: where it is, for messages, and whether all went
 * well (0 once an exception is pending: every later read does nothing) */
struct rd {
	napi_env env;
	char where[160]; /* "LaunchPlan.rootfs.mounts[2]" */
	int ok;
};

void rd_init(struct rd *r, napi_env env, const char *where);
/* child reader for obj.key, or obj.key[index] when index >= 0 */
void rd_enter(const struct rd *parent, struct rd *child, const char *key, int64_t index);

/* throws "<where>.<key> <what>" and marks r failed; returns 0 */
int rd_fail(struct rd *r, const char *key, const char *what);

int rd_prop(struct rd *r, napi_value o, const char *key, napi_value *v);
/* obj.key as an object; *is_null set when it is null (allowed only when nullable) */
napi_value rd_object(struct rd *r, napi_value o, const char *key, int nullable, int *is_null);
napi_value rd_object_value(struct rd *r, napi_value v, const char *key, int nullable, int *is_null);

/* malloc'd strings without NUL bytes, at most maxlen bytes (0: no limit) */
char *rd_str_value(struct rd *r, napi_value v, const char *key, size_t maxlen);
char *rd_str(struct rd *r, napi_value o, const char *key, size_t maxlen);
/* into buf: refused when it does not fit (never cut) */
int rd_strbuf(struct rd *r, napi_value o, const char *key, char *buf, size_t cap);

int64_t rd_int_value(struct rd *r, napi_value v, const char *key, int64_t lo, int64_t hi);
int64_t rd_int(struct rd *r, napi_value o, const char *key, int64_t lo, int64_t hi);
int rd_bool(struct rd *r, napi_value o, const char *key);
uint64_t rd_big_value(struct rd *r, napi_value v, const char *key);
uint64_t rd_big(struct rd *r, napi_value o, const char *key);

/* obj.key as an array of at most max elements */
napi_value rd_array(struct rd *r, napi_value o, const char *key, uint32_t max, uint32_t *len);
napi_value rd_elem(struct rd *r, napi_value arr, uint32_t i);
/* a NULL-terminated malloc'd array of strings; *count its length */
char **rd_strv(struct rd *r, napi_value o, const char *key, size_t maxlen, uint32_t max, int *count);
void free_strv(char **v);
void *rd_alloc(struct rd *r, size_t n, size_t size);

/* A field table: one row per plan field, read by rd_fields into the struct
 * at base. A new field is one row. */
enum rd_kind { RD_STR, RD_INT, RD_BOOL, RD_BIG, RD_STRV };
struct rd_field {
	const char *key;
	enum rd_kind kind;
	size_t off;       /* of the member in the struct */
	size_t size;      /* RD_INT: of the member (1, 2, 4, 8) */
	int64_t lo, hi;   /* RD_INT: the range the member's C type and meaning allow */
	size_t maxlen;    /* RD_STR, RD_STRV: longest string (0: no limit) */
	size_t count_off; /* RD_STRV: an int member for the count, or RD_NO_COUNT */
};
#define RD_NO_COUNT ((size_t)-1)

#define RD_MEMBER_SIZE(S, m) sizeof(((S *)0)->m)
#define F_STR(S, key, m, maxlen) {key, RD_STR, offsetof(S, m), 0, 0, 0, maxlen, 0}
#define F_INT(S, key, m, lo, hi) {key, RD_INT, offsetof(S, m), RD_MEMBER_SIZE(S, m), lo, hi, 0, 0}
#define F_BOOL(S, key, m) {key, RD_BOOL, offsetof(S, m), RD_MEMBER_SIZE(S, m), 0, 0, 0, 0}
#define F_BIG(S, key, m) {key, RD_BIG, offsetof(S, m), RD_MEMBER_SIZE(S, m), 0, 0, 0, 0}
#define F_STRV(S, key, m, maxlen, count) {key, RD_STRV, offsetof(S, m), 0, 0, 0, maxlen, offsetof(S, count)}
#define F_STRV_NOCOUNT(S, key, m, maxlen) {key, RD_STRV, offsetof(S, m), 0, 0, 0, maxlen, RD_NO_COUNT}

int rd_fields(struct rd *r, napi_value o, void *base, const struct rd_field *fields, size_t n);
/* frees the RD_STR and RD_STRV members the table names */
void rd_fields_free(void *base, const struct rd_field *fields, size_t n);

/* results */
napi_value make_int(napi_env env, int64_t v);
napi_value make_str(napi_env env, const char *s);

#endif
