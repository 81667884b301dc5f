/* Checked readers of JS values (napi_read.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "napi_read.h"

void rd_init(struct rd *r, napi_env env, const char *where)
{
	r->env = env;
	r->ok = 1;
	snprintf(r->where, sizeof(r->where), "%s", where);
}

void rd_enter(const struct rd *parent, struct rd *child, const char *key, int64_t index)
{
	size_t cap = sizeof(child->where);
	int n;
	child->env = parent->env;
	child->ok = parent->ok;
	if (index >= 0)
		n = snprintf(child->where, cap, "%.100s.%.40s[%lld]", parent->where, key, (long long)index);
	else
		n = snprintf(child->where, cap, "%.100s.%.40s", parent->where, key);
	/* only a message: a name too deep to fit says so instead of lying */
	if (n < 0 || (size_t)n >= cap)
		memcpy(child->where + cap - 4, "...", 4);
}

int rd_fail(struct rd *r, const char *key, const char *what)
{
	char msg[400];
	if (!r->ok)
		return 0; /* one exception at a time */
	snprintf(msg, sizeof(msg), "%s%s%s %s", r->where, key[0] ? "." : "", key, what);
	napi_throw_type_error(r->env, NULL, msg);
	r->ok = 0;
	return 0;
}

int rd_prop(struct rd *r, napi_value o, const char *key, napi_value *v)
{
	if (!r->ok)
		return 0;
	if (napi_get_named_property(r->env, o, key, v) != napi_ok)
		return rd_fail(r, key, "cannot be read");
	return 1;
}

napi_value rd_object_value(struct rd *r, napi_value v, const char *key, int nullable, int *is_null)
{
	napi_valuetype t;
	if (is_null)
		*is_null = 0;
	if (!r->ok)
		return NULL;
	if (napi_typeof(r->env, v, &t) != napi_ok) {
		rd_fail(r, key, "must be an object");
		return NULL;
	}
	if (nullable && t == napi_null) {
		if (is_null)
			*is_null = 1;
		return NULL;
	}
	if (t != napi_object) {
		rd_fail(r, key, nullable ? "must be an object or null" : "must be an object");
		return NULL;
	}
	return v;
}

napi_value rd_object(struct rd *r, napi_value o, const char *key, int nullable, int *is_null)
{
	napi_value v;
	if (is_null)
		*is_null = 0;
	if (!rd_prop(r, o, key, &v))
		return NULL;
	return rd_object_value(r, v, key, nullable, is_null);
}

char *rd_str_value(struct rd *r, napi_value v, const char *key, size_t maxlen)
{
	size_t len = 0, got = 0;
	char *s;
	if (!r->ok)
		return NULL;
	if (napi_get_value_string_utf8(r->env, v, NULL, 0, &len) != napi_ok) {
		rd_fail(r, key, "must be a string");
		return NULL;
	}
	if (maxlen && len > maxlen) {
		char what[80];
		snprintf(what, sizeof(what), "is longer than %zu bytes (ENAMETOOLONG)", maxlen);
		rd_fail(r, key, what);
		return NULL;
	}
	s = malloc(len + 1);
	if (!s) {
		rd_fail(r, key, "cannot be copied: out of memory");
		return NULL;
	}
	if (napi_get_value_string_utf8(r->env, v, s, len + 1, &got) != napi_ok || got != len) {
		free(s);
		rd_fail(r, key, "must be a string");
		return NULL;
	}
	/* C stops at the first NUL: refused, never cut */
	if (strlen(s) != len) {
		free(s);
		rd_fail(r, key, "contains a NUL byte");
		return NULL;
	}
	return s;
}

char *rd_str(struct rd *r, napi_value o, const char *key, size_t maxlen)
{
	napi_value v;
	if (!rd_prop(r, o, key, &v))
		return NULL;
	return rd_str_value(r, v, key, maxlen);
}

int rd_strbuf(struct rd *r, napi_value o, const char *key, char *buf, size_t cap)
{
	char *s = rd_str(r, o, key, cap - 1);
	if (!s)
		return 0;
	memcpy(buf, s, strlen(s) + 1);
	free(s);
	return 1;
}

int64_t rd_int_value(struct rd *r, napi_value v, const char *key, int64_t lo, int64_t hi)
{
	double d = 0;
	char what[96];
	if (!r->ok)
		return 0;
	if (napi_get_value_double(r->env, v, &d) != napi_ok)
		return rd_fail(r, key, "must be a number");
	/* doubles are exact integers up to 2^53, past every range used here */
	if (!isfinite(d) || d != floor(d) || d < (double)lo || d > (double)hi) {
		snprintf(what, sizeof(what), "is out of range: must be an integer in %lld..%lld", (long long)lo, (long long)hi);
		return rd_fail(r, key, what);
	}
	return (int64_t)d;
}

int64_t rd_int(struct rd *r, napi_value o, const char *key, int64_t lo, int64_t hi)
{
	napi_value v;
	if (!rd_prop(r, o, key, &v))
		return 0;
	return rd_int_value(r, v, key, lo, hi);
}

int rd_bool(struct rd *r, napi_value o, const char *key)
{
	napi_value v;
	bool b = false;
	if (!rd_prop(r, o, key, &v))
		return 0;
	if (napi_get_value_bool(r->env, v, &b) != napi_ok)
		return rd_fail(r, key, "must be a boolean");
	return b ? 1 : 0;
}

uint64_t rd_big_value(struct rd *r, napi_value v, const char *key)
{
	uint64_t u = 0;
	bool lossless = false;
	if (!r->ok)
		return 0;
	if (napi_get_value_bigint_uint64(r->env, v, &u, &lossless) != napi_ok)
		return rd_fail(r, key, "must be a bigint");
	if (!lossless)
		return rd_fail(r, key, "is out of range: must be a bigint in 0..2^64-1");
	return u;
}

uint64_t rd_big(struct rd *r, napi_value o, const char *key)
{
	napi_value v;
	if (!rd_prop(r, o, key, &v))
		return 0;
	return rd_big_value(r, v, key);
}

napi_value rd_array(struct rd *r, napi_value o, const char *key, uint32_t max, uint32_t *len)
{
	napi_value v;
	bool is_array = false;
	*len = 0;
	if (!rd_prop(r, o, key, &v))
		return NULL;
	if (napi_is_array(r->env, v, &is_array) != napi_ok || !is_array || napi_get_array_length(r->env, v, len) != napi_ok) {
		*len = 0;
		rd_fail(r, key, "must be an array");
		return NULL;
	}
	if (*len > max) {
		char what[64];
		*len = 0;
		snprintf(what, sizeof(what), "has more than %u elements", max);
		rd_fail(r, key, what);
		return NULL;
	}
	return v;
}

napi_value rd_elem(struct rd *r, napi_value arr, uint32_t i)
{
	napi_value v = NULL;
	if (r->ok && napi_get_element(r->env, arr, i, &v) != napi_ok)
		rd_fail(r, "", "has an element that cannot be read");
	return v;
}

void *rd_alloc(struct rd *r, size_t n, size_t size)
{
	void *p;
	if (!r->ok)
		return NULL;
	p = calloc(n ? n : 1, size);
	if (!p)
		rd_fail(r, "", "cannot be copied: out of memory");
	return p;
}

char **rd_strv(struct rd *r, napi_value o, const char *key, size_t maxlen, uint32_t max, int *count)
{
	uint32_t n, i;
	napi_value arr = rd_array(r, o, key, max, &n);
	char **v = rd_alloc(r, (size_t)n + 1, sizeof(char *));
	if (count)
		*count = 0;
	for (i = 0; r->ok && i < n; i++) {
		char elem_key[80];
		snprintf(elem_key, sizeof(elem_key), "%s[%u]", key, i);
		v[i] = rd_str_value(r, rd_elem(r, arr, i), elem_key, maxlen);
		if (count && v[i])
			*count = (int)i + 1;
	}
	return v;
}

void free_strv(char **v)
{
	size_t i;
	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

static void store_int(void *dst, size_t size, int64_t v)
{
	/* v is in the member's range (the table says so): its low bytes are
	 * the value for a signed or an unsigned member alike */
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;
	uint64_t u64 = (uint64_t)v;
	switch (size) {
	case 1: memcpy(dst, &u8, 1); break;
	case 2: memcpy(dst, &u16, 2); break;
	case 4: memcpy(dst, &u32, 4); break;
	default: memcpy(dst, &u64, 8); break;
	}
}

int rd_fields(struct rd *r, napi_value o, void *base, const struct rd_field *fields, size_t n)
{
	size_t i;
	char *b = base;
	for (i = 0; r->ok && i < n; i++) {
		const struct rd_field *f = &fields[i];
		switch (f->kind) {
		case RD_STR:
			*(char **)(b + f->off) = rd_str(r, o, f->key, f->maxlen);
			break;
		case RD_INT:
			store_int(b + f->off, f->size, rd_int(r, o, f->key, f->lo, f->hi));
			break;
		case RD_BOOL:
			store_int(b + f->off, f->size, rd_bool(r, o, f->key));
			break;
		case RD_BIG: {
			uint64_t u = rd_big(r, o, f->key);
			memcpy(b + f->off, &u, sizeof(u));
			break;
		}
		case RD_STRV:
			*(char ***)(b + f->off) =
				rd_strv(r, o, f->key, f->maxlen, 1u << 20, f->count_off == RD_NO_COUNT ? NULL : (int *)(b + f->count_off));
			break;
		}
	}
	return r->ok;
}

void rd_fields_free(void *base, const struct rd_field *fields, size_t n)
{
	size_t i;
	char *b = base;
	for (i = 0; i < n; i++) {
		if (fields[i].kind == RD_STR) {
			free(*(char **)(b + fields[i].off));
			*(char **)(b + fields[i].off) = NULL;
		} else if (fields[i].kind == RD_STRV) {
			free_strv(*(char ***)(b + fields[i].off));
			*(char ***)(b + fields[i].off) = NULL;
		}
	}
}

napi_value make_int(napi_env env, int64_t v)
{
	napi_value r = NULL;
	napi_create_int64(env, v, &r);
	return r;
}

napi_value make_str(napi_env env, const char *s)
{
	napi_value r = NULL;
	napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &r);
	return r;
}
