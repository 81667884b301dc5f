/* Copies the JS LaunchPlan into C memory (struct plan) before clone(), so
 * the child reads plain memory and never calls into N-API or malloc. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "napi_util.h"
#include "plan.h"

static char *str_value(napi_env env, napi_value v, const char *what, int *ok)
{
	size_t len = 0;
	char *s;
	if (!*ok)
		return NULL;
	if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
		throw_field(env, what, "a string");
		*ok = 0;
		return NULL;
	}
	s = malloc(len + 1);
	if (!s) {
		*ok = 0;
		napi_throw_error(env, NULL, "out of memory");
		return NULL;
	}
	napi_get_value_string_utf8(env, v, s, len + 1, &len);
	return s;
}

static char *dup_str(napi_env env, napi_value obj, const char *key, int *ok)
{
	napi_value v;
	if (!*ok)
		return NULL;
	if (napi_get_named_property(env, obj, key, &v) != napi_ok) {
		throw_field(env, key, "a string");
		*ok = 0;
		return NULL;
	}
	return str_value(env, v, key, ok);
}

static int64_t get_i64(napi_env env, napi_value obj, const char *key, int *ok)
{
	napi_value v;
	int64_t r = 0;
	if (!*ok)
		return 0;
	if (napi_get_named_property(env, obj, key, &v) != napi_ok || napi_get_value_int64(env, v, &r) != napi_ok) {
		throw_field(env, key, "a number");
		*ok = 0;
	}
	return r;
}

static int get_bool(napi_env env, napi_value obj, const char *key, int *ok)
{
	napi_value v;
	bool r = false;
	if (!*ok)
		return 0;
	if (napi_get_named_property(env, obj, key, &v) != napi_ok || napi_get_value_bool(env, v, &r) != napi_ok) {
		throw_field(env, key, "a boolean");
		*ok = 0;
	}
	return r ? 1 : 0;
}

static uint64_t big_value(napi_env env, napi_value v, const char *key, int *ok)
{
	uint64_t r = 0;
	bool lossless = true;
	if (!*ok)
		return 0;
	if (napi_get_value_bigint_uint64(env, v, &r, &lossless) != napi_ok) {
		throw_field(env, key, "a bigint");
		*ok = 0;
	}
	return r;
}

static uint64_t get_big(napi_env env, napi_value obj, const char *key, int *ok)
{
	napi_value v;
	if (!*ok)
		return 0;
	if (napi_get_named_property(env, obj, key, &v) != napi_ok) {
		*ok = 0;
		return 0;
	}
	return big_value(env, v, key, ok);
}

/* the array at obj[key] and its length; NULL on error (thrown) */
static napi_value get_array(napi_env env, napi_value obj, const char *key, uint32_t *len, int *ok)
{
	napi_value v;
	bool is_array = false;
	*len = 0;
	if (!*ok)
		return NULL;
	if (napi_get_named_property(env, obj, key, &v) != napi_ok || napi_is_array(env, v, &is_array) != napi_ok ||
	    !is_array || napi_get_array_length(env, v, len) != napi_ok) {
		throw_field(env, key, "an array");
		*ok = 0;
		return NULL;
	}
	return v;
}

static napi_value elem(napi_env env, napi_value arr, uint32_t i, int *ok)
{
	napi_value v = NULL;
	if (*ok && napi_get_element(env, arr, i, &v) != napi_ok)
		*ok = 0;
	return v;
}

static void *alloc_n(size_t n, size_t size, int *ok, napi_env env)
{
	void *p;
	if (!*ok)
		return NULL;
	p = calloc(n ? n : 1, size);
	if (!p) {
		*ok = 0;
		napi_throw_error(env, NULL, "out of memory");
	}
	return p;
}

static char **get_strv(napi_env env, napi_value obj, const char *key, int *count, int *ok)
{
	uint32_t n, i;
	napi_value arr = get_array(env, obj, key, &n, ok);
	char **v = alloc_n(n + 1, sizeof(char *), ok, env);
	for (i = 0; *ok && i < n; i++)
		v[i] = str_value(env, elem(env, arr, i, ok), key, ok);
	if (count)
		*count = (int)n;
	return v;
}

/* bigint[] at obj[key] into words (at most PLAN_CPU_WORDS); returns the count */
static int get_words(napi_env env, napi_value obj, const char *key, uint64_t *words, int *ok)
{
	uint32_t n, i;
	napi_value arr = get_array(env, obj, key, &n, ok);
	if (*ok && n > PLAN_CPU_WORDS) {
		throw_field(env, key, "at most 16 words");
		*ok = 0;
	}
	for (i = 0; *ok && i < n; i++)
		words[i] = big_value(env, elem(env, arr, i, ok), key, ok);
	return *ok ? (int)n : 0;
}

static void attrs_from_js(napi_env env, napi_value o, struct plan_attrs *a, int *ok)
{
	napi_value v;
	if (!*ok)
		return;
	if (napi_get_named_property(env, o, "attrs", &v) != napi_ok) {
		*ok = 0;
		return;
	}
	a->personality = (long)get_i64(env, v, "personality", ok);
	a->sched_set = get_bool(env, v, "schedSet", ok);
	a->sched_policy = (uint32_t)get_i64(env, v, "schedPolicy", ok);
	a->sched_flags = (uint64_t)get_i64(env, v, "schedFlags", ok);
	a->sched_nice = (int32_t)get_i64(env, v, "schedNice", ok);
	a->sched_priority = (uint32_t)get_i64(env, v, "schedPriority", ok);
	a->sched_runtime = get_big(env, v, "schedRuntime", ok);
	a->sched_deadline = get_big(env, v, "schedDeadline", ok);
	a->sched_period = get_big(env, v, "schedPeriod", ok);
	a->ioprio = (int)get_i64(env, v, "ioPriority", ok);
	a->naff_initial = get_words(env, v, "affinityInitial", a->aff_initial, ok);
	a->naff_final = get_words(env, v, "affinityFinal", a->aff_final, ok);
	a->mempolicy_mode = (int)get_i64(env, v, "memPolicyMode", ok);
	a->nmempolicy_nodes = get_words(env, v, "memPolicyNodes", a->mempolicy_nodes, ok);
	a->time_offsets = dup_str(env, v, "timeOffsets", ok);
}

int plan_from_js(napi_env env, napi_value o, struct plan *p)
{
	int ok = 1;
	uint32_t n, i;
	napi_value arr;

	memset(p, 0, sizeof(*p));
	p->fifo_fd = -1;
	p->console_fd = -1;
	p->clone_flags = (int)get_i64(env, o, "cloneFlags", &ok);

	arr = get_array(env, o, "joins", &n, &ok);
	p->joins = alloc_n(n, sizeof(*p->joins), &ok, env);
	p->njoins = (int)n;
	for (i = 0; ok && i < n; i++) {
		napi_value e = elem(env, arr, i, &ok);
		p->joins[i].flag = (int)get_i64(env, e, "flag", &ok);
		p->joins[i].path = dup_str(env, e, "path", &ok);
	}
	p->uid_map = dup_str(env, o, "uidMap", &ok);
	p->gid_map = dup_str(env, o, "gidMap", &ok);
	p->setgroups = dup_str(env, o, "setgroups", &ok);
	p->cgroup_procs = get_strv(env, o, "cgroupProcs", &p->ncgroup_procs, &ok);

	p->rootfs = dup_str(env, o, "rootfs", &ok);
	p->root_propagation = (unsigned long)get_i64(env, o, "rootPropagation", &ok);
	p->rootfs_propagation = (unsigned long)get_i64(env, o, "rootfsPropagation", &ok);
	p->readonly_root = get_bool(env, o, "readonlyRoot", &ok);
	p->no_pivot = get_bool(env, o, "noPivot", &ok);

	arr = get_array(env, o, "mounts", &n, &ok);
	p->mounts = alloc_n(n, sizeof(*p->mounts), &ok, env);
	for (i = 0; ok && i < n; i++)
		p->mounts[i].userns_fd = -1; /* before anything can fail: plan_free closes them */
	p->nmounts = (int)n;
	for (i = 0; ok && i < n; i++) {
		napi_value e = elem(env, arr, i, &ok);
		struct plan_mount *m = &p->mounts[i];
		m->destination = dup_str(env, e, "destination", &ok);
		m->source = dup_str(env, e, "source", &ok);
		m->fstype = dup_str(env, e, "fstype", &ok);
		m->data = dup_str(env, e, "data", &ok);
		m->flags = (unsigned long)get_i64(env, e, "flags", &ok);
		m->propagation = (unsigned long)get_i64(env, e, "propagation", &ok);
		m->remount_flags = (unsigned long)get_i64(env, e, "remountFlags", &ok);
		m->is_file = get_bool(env, e, "isFile", &ok);
		m->rec_attr_set = (uint64_t)get_i64(env, e, "recAttrSet", &ok);
		m->rec_attr_clear = (uint64_t)get_i64(env, e, "recAttrClear", &ok);
		m->idmap_uid = dup_str(env, e, "idmapUid", &ok);
		m->idmap_gid = dup_str(env, e, "idmapGid", &ok);
		m->idmap_recursive = get_bool(env, e, "idmapRecursive", &ok);
		m->tmpcopyup = get_bool(env, e, "tmpcopyup", &ok);
	}

	arr = get_array(env, o, "devLinks", &n, &ok);
	p->devlinks = alloc_n(n, sizeof(*p->devlinks), &ok, env);
	p->ndevlinks = (int)n;
	for (i = 0; ok && i < n; i++) {
		napi_value e = elem(env, arr, i, &ok);
		p->devlinks[i].target = dup_str(env, e, "target", &ok);
		p->devlinks[i].path = dup_str(env, e, "path", &ok);
	}

	arr = get_array(env, o, "devices", &n, &ok);
	p->devices = alloc_n(n, sizeof(*p->devices), &ok, env);
	p->ndevices = (int)n;
	for (i = 0; ok && i < n; i++) {
		napi_value e = elem(env, arr, i, &ok);
		struct plan_device *d = &p->devices[i];
		d->path = dup_str(env, e, "path", &ok);
		d->mode = (mode_t)get_i64(env, e, "mode", &ok);
		d->major = (unsigned int)get_i64(env, e, "major", &ok);
		d->minor = (unsigned int)get_i64(env, e, "minor", &ok);
		d->uid = (uid_t)get_i64(env, e, "uid", &ok);
		d->gid = (gid_t)get_i64(env, e, "gid", &ok);
		d->bind = get_bool(env, e, "bind", &ok);
	}

	arr = get_array(env, o, "sysctls", &n, &ok);
	p->sysctls = alloc_n(n, sizeof(*p->sysctls), &ok, env);
	p->nsysctls = (int)n;
	for (i = 0; ok && i < n; i++) {
		napi_value e = elem(env, arr, i, &ok);
		p->sysctls[i].path = dup_str(env, e, "path", &ok);
		p->sysctls[i].value = dup_str(env, e, "value", &ok);
	}
	p->readonly_paths = get_strv(env, o, "readonlyPaths", &p->nreadonly, &ok);
	p->masked_paths = get_strv(env, o, "maskedPaths", &p->nmasked, &ok);

	p->hostname = dup_str(env, o, "hostname", &ok);
	p->domainname = dup_str(env, o, "domainname", &ok);

	arr = get_array(env, o, "rlimits", &n, &ok);
	p->rlimits = alloc_n(n, sizeof(*p->rlimits), &ok, env);
	p->nrlimits = (int)n;
	for (i = 0; ok && i < n; i++) {
		napi_value e = elem(env, arr, i, &ok);
		p->rlimits[i].resource = (int)get_i64(env, e, "resource", &ok);
		p->rlimits[i].lim.rlim_cur = get_big(env, e, "soft", &ok);
		p->rlimits[i].lim.rlim_max = get_big(env, e, "hard", &ok);
	}

	p->fifo_path = dup_str(env, o, "fifoPath", &ok);
	p->pause_for_hooks = get_bool(env, o, "pauseForHooks", &ok);
	p->exec = get_bool(env, o, "exec", &ok);
	p->session_keyring = dup_str(env, o, "sessionKeyring", &ok);
	p->terminal = get_bool(env, o, "terminal", &ok);
	p->console_socket = dup_str(env, o, "consoleSocket", &ok);
	p->console_rows = (unsigned short)get_i64(env, o, "consoleHeight", &ok);
	p->console_cols = (unsigned short)get_i64(env, o, "consoleWidth", &ok);
	p->uid = (uid_t)get_i64(env, o, "uid", &ok);
	p->gid = (gid_t)get_i64(env, o, "gid", &ok);
	arr = get_array(env, o, "additionalGids", &n, &ok);
	p->groups = alloc_n(n, sizeof(gid_t), &ok, env);
	p->ngroups = (int)n;
	for (i = 0; ok && i < n; i++) {
		int64_t g = 0;
		if (napi_get_value_int64(env, elem(env, arr, i, &ok), &g) != napi_ok)
			ok = 0;
		p->groups[i] = (gid_t)g;
	}
	p->umask = (int)get_i64(env, o, "umask", &ok);
	p->cap_bounding = get_big(env, o, "capBounding", &ok);
	p->cap_effective = get_big(env, o, "capEffective", &ok);
	p->cap_permitted = get_big(env, o, "capPermitted", &ok);
	p->cap_inheritable = get_big(env, o, "capInheritable", &ok);
	p->cap_ambient = get_big(env, o, "capAmbient", &ok);
	p->last_cap = (int)get_i64(env, o, "lastCap", &ok);
	p->no_new_privileges = get_bool(env, o, "noNewPrivileges", &ok);
	p->oom_score_adj = (int)get_i64(env, o, "oomScoreAdj", &ok);

	p->cwd = dup_str(env, o, "cwd", &ok);
	p->argv = get_strv(env, o, "args", NULL, &ok);
	p->envp = get_strv(env, o, "env", NULL, &ok);
	p->search_path = dup_str(env, o, "searchPath", &ok);
	p->preserve_fds = (int)get_i64(env, o, "preserveFds", &ok);
	attrs_from_js(env, o, &p->attrs, &ok);

	p->scratch_len = 2 * PATH_MAX + 64;
	p->scratch = alloc_n(1, p->scratch_len, &ok, env);
	if (ok) {
		/* built into BPF here, in the parent: the child cannot allocate (seccomp.c) */
		napi_value sc;
		if (napi_get_named_property(env, o, "seccomp", &sc) != napi_ok || !seccomp_prep_from_js(env, sc, &p->seccomp))
			ok = 0;
	}
	return ok;
}

static void free_strv(char **v, int n)
{
	int i;
	if (!v)
		return;
	for (i = 0; i < n || (n < 0 && v[i]); i++)
		free(v[i]);
	free(v);
}

void plan_free(struct plan *p)
{
	int i;
	for (i = 0; p->joins && i < p->njoins; i++)
		free(p->joins[i].path);
	free(p->joins);
	free(p->uid_map);
	free(p->gid_map);
	free(p->setgroups);
	free_strv(p->cgroup_procs, p->ncgroup_procs);
	free(p->rootfs);
	for (i = 0; p->mounts && i < p->nmounts; i++) {
		free(p->mounts[i].destination);
		free(p->mounts[i].source);
		free(p->mounts[i].fstype);
		free(p->mounts[i].data);
		free(p->mounts[i].idmap_uid);
		free(p->mounts[i].idmap_gid);
		if (p->mounts[i].userns_fd >= 0)
			close(p->mounts[i].userns_fd);
	}
	free(p->mounts);
	for (i = 0; p->devlinks && i < p->ndevlinks; i++) {
		free(p->devlinks[i].target);
		free(p->devlinks[i].path);
	}
	free(p->devlinks);
	for (i = 0; p->devices && i < p->ndevices; i++)
		free(p->devices[i].path);
	free(p->devices);
	for (i = 0; p->sysctls && i < p->nsysctls; i++) {
		free(p->sysctls[i].path);
		free(p->sysctls[i].value);
	}
	free(p->sysctls);
	free_strv(p->readonly_paths, p->nreadonly);
	free_strv(p->masked_paths, p->nmasked);
	free(p->hostname);
	free(p->domainname);
	free(p->rlimits);
	free(p->fifo_path);
	free(p->console_socket);
	free(p->session_keyring);
	free(p->groups);
	free(p->cwd);
	free_strv(p->argv, -1);
	free_strv(p->envp, -1);
	free(p->search_path);
	free(p->attrs.time_offsets);
	free(p->scratch);
	seccomp_prep_free(&p->seccomp);
	memset(p, 0, sizeof(*p));
}
