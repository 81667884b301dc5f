/* Copies the JS LaunchPlan (lib/plan/types.ts) into C memory (struct plan)
 * before clone(), so the child reads plain memory and never calls into N-API
 * or malloc. Each section and each list element is read through a table: a
 * new plan field is one row here and one line in types.ts. The ranges are
 * those of the C member and of what the child does with it; TypeScript
 * checks them first and names the config field (lib/plan/limits.ts). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "napi_read.h"
#include "module.h"
#include "plan.h"

#define PATHLEN (PATH_MAX - 1) /* the longest path the child accepts */
#define U32 4294967295LL
#define ID_MAX (U32 - 1) /* (uid_t)-1 would mean "unchanged" to the kernel */
#define MAX_LIST 65536u  /* mounts, devices, groups...: far above any real config */

#define ROWS(t) t, sizeof(t) / sizeof(t[0])

static const struct rd_field join_fields[] = {
	F_INT(struct plan_join, "flag", flag, 0, 0x7fffffff),
	F_STR(struct plan_join, "path", path, PATHLEN),
};

static const struct rd_field ns_fields[] = {
	F_INT(struct plan_namespaces, "cloneFlags", clone_flags, 0, 0x7fffffff),
	F_STR(struct plan_namespaces, "uidMap", uid_map, 0),
	F_STR(struct plan_namespaces, "gidMap", gid_map, 0),
	F_STR(struct plan_namespaces, "setgroups", setgroups, 0),
	F_STR(struct plan_namespaces, "uidMapTool", uid_map_tool, PATHLEN),
	F_STR(struct plan_namespaces, "gidMapTool", gid_map_tool, PATHLEN),
	F_BOOL(struct plan_namespaces, "dumpableForMaps", dumpable_for_maps),
	F_STR(struct plan_namespaces, "hostname", hostname, 0),
	F_STR(struct plan_namespaces, "domainname", domainname, 0),
	F_STR(struct plan_namespaces, "cgroupAfterPlacement", cgroup_after_placement, PATHLEN),
};

static const struct rd_field mount_fields[] = {
	F_STR(struct plan_mount, "destination", destination, PATHLEN),
	F_STR(struct plan_mount, "source", source, PATHLEN),
	F_STR(struct plan_mount, "fstype", fstype, 0),
	F_STR(struct plan_mount, "data", data, 0),
	F_INT(struct plan_mount, "flags", flags, 0, U32),
	F_INT(struct plan_mount, "propagation", propagation, 0, U32),
	F_INT(struct plan_mount, "remountFlags", remount_flags, 0, U32),
	F_BOOL(struct plan_mount, "isFile", is_file),
	F_INT(struct plan_mount, "recAttrSet", rec_attr_set, 0, U32),
	F_INT(struct plan_mount, "recAttrClear", rec_attr_clear, 0, U32),
	F_STR(struct plan_mount, "idmapUid", idmap_uid, 0),
	F_STR(struct plan_mount, "idmapGid", idmap_gid, 0),
	F_BOOL(struct plan_mount, "idmapRecursive", idmap_recursive),
	F_BOOL(struct plan_mount, "tmpcopyup", tmpcopyup),
	F_BOOL(struct plan_mount, "openSource", open_source),
};

static const struct rd_field devlink_fields[] = {
	F_STR(struct plan_devlink, "target", target, PATHLEN),
	F_STR(struct plan_devlink, "path", path, PATHLEN),
};

static const struct rd_field device_fields[] = {
	F_STR(struct plan_device, "path", path, PATHLEN),
	F_INT(struct plan_device, "mode", mode, 0, 0xffff),
	/* the kernel's dev_t: 12 bits of major, 20 of minor */
	F_INT(struct plan_device, "major", major, 0, 4095),
	F_INT(struct plan_device, "minor", minor, 0, 0xfffff),
	/* -1: an id the user namespace does not map, left alone by fchown */
	F_INT(struct plan_device, "uid", uid, -1, ID_MAX),
	F_INT(struct plan_device, "gid", gid, -1, ID_MAX),
	F_BOOL(struct plan_device, "bind", bind),
};

static const struct rd_field sysctl_fields[] = {
	F_STR(struct plan_sysctl, "path", path, PATHLEN - 9), /* under "/proc/sys/" */
	F_STR(struct plan_sysctl, "value", value, 0),
};

static const struct rd_field rootfs_fields[] = {
	F_STR(struct plan_rootfs, "path", path, PATHLEN),
	F_INT(struct plan_rootfs, "rootPropagation", root_propagation, 0, U32),
	F_INT(struct plan_rootfs, "rootfsPropagation", rootfs_propagation, 0, U32),
	F_BOOL(struct plan_rootfs, "readonlyRoot", readonly_root),
	F_BOOL(struct plan_rootfs, "noPivot", no_pivot),
	F_STRV(struct plan_rootfs, "readonlyPaths", readonly_paths, PATHLEN, nreadonly),
	F_STRV(struct plan_rootfs, "maskedPaths", masked_paths, PATHLEN, nmasked),
};

static const struct rd_field process_fields[] = {
	F_INT(struct plan_process, "uid", uid, 0, ID_MAX),
	F_INT(struct plan_process, "gid", gid, 0, ID_MAX),
	F_INT(struct plan_process, "umask", umask, -1, 07777),
	F_BIG(struct plan_process, "capBounding", cap_bounding),
	F_BIG(struct plan_process, "capEffective", cap_effective),
	F_BIG(struct plan_process, "capPermitted", cap_permitted),
	F_BIG(struct plan_process, "capInheritable", cap_inheritable),
	F_BIG(struct plan_process, "capAmbient", cap_ambient),
	F_INT(struct plan_process, "lastCap", last_cap, 0, 63),
	F_BOOL(struct plan_process, "noNewPrivileges", no_new_privileges),
	F_INT(struct plan_process, "oomScoreAdj", oom_score_adj, -1001, 1000),
	F_STR(struct plan_process, "sessionKeyring", session_keyring, 0),
	F_STR(struct plan_process, "chroot", chroot, PATHLEN),
	F_BOOL(struct plan_process, "terminal", terminal),
	F_INT(struct plan_process, "consoleHeight", console_rows, 0, 65535),
	F_INT(struct plan_process, "consoleWidth", console_cols, 0, 65535),
	F_STR(struct plan_process, "cwd", cwd, PATHLEN),
	F_STRV_NOCOUNT(struct plan_process, "args", argv, 0),
	F_STRV_NOCOUNT(struct plan_process, "env", envp, 0),
	F_STR(struct plan_process, "searchPath", search_path, 0),
	/* a proc attr write takes less than a page */
	F_STR(struct plan_process, "execLabel", exec_label, 4095),
	F_STR(struct plan_process, "execLabelAttr", exec_label_attr, 32),
	/* fds 3..3+n-1; the idmap user namespaces sit above them */
	F_INT(struct plan_process, "preserveFds", preserve_fds, 0, IDMAP_FD_BASE - 8),
};

static const struct rd_field attrs_fields[] = {
	F_INT(struct plan_attrs, "personality", personality, -1, U32),
	F_BOOL(struct plan_attrs, "schedSet", sched_set),
	F_INT(struct plan_attrs, "schedPolicy", sched_policy, 0, U32),
	F_INT(struct plan_attrs, "schedFlags", sched_flags, 0, U32),
	F_INT(struct plan_attrs, "schedNice", sched_nice, -2147483648LL, 2147483647LL),
	F_INT(struct plan_attrs, "schedPriority", sched_priority, 0, U32),
	F_BIG(struct plan_attrs, "schedRuntime", sched_runtime),
	F_BIG(struct plan_attrs, "schedDeadline", sched_deadline),
	F_BIG(struct plan_attrs, "schedPeriod", sched_period),
	F_INT(struct plan_attrs, "ioPriority", ioprio, -1, 0xffff),
	F_INT(struct plan_attrs, "memPolicyMode", mempolicy_mode, -1, 0x7fffffff),
	F_STR(struct plan_attrs, "timeOffsets", time_offsets, 0),
};

static const struct rd_field sync_fields[] = {
	F_STRV(struct plan_sync, "cgroupTasks", cgroup_tasks, PATHLEN, ncgroup_tasks),
	F_STR(struct plan_sync, "cgroupInto", cgroup_into, PATHLEN),
	F_STRV(struct plan_sync, "cgroupProcs", cgroup_procs, PATHLEN, ncgroup_procs),
	F_STR(struct plan_sync, "fifoPath", fifo_path, PATHLEN),
	F_BOOL(struct plan_sync, "pauseForHooks", pause_for_hooks),
	F_STR(struct plan_sync, "consoleSocket", console_socket, PATHLEN),
	F_INT(struct plan_sync, "stateMaxBytes", state_max, 0, PLAN_MAX_STATE),
	F_STR(struct plan_sync, "hooksFifoPath", hooks_fifo_path, PATHLEN),
};

static const struct rd_field hook_fields[] = {
	F_STR(struct plan_hook, "path", path, PATHLEN),
	F_STRV_NOCOUNT(struct plan_hook, "args", argv, 0),
	F_STRV_NOCOUNT(struct plan_hook, "env", envp, 0),
	F_INT(struct plan_hook, "timeout", timeout, 0, 2147483647),
};

/* obj[key] as an array of structs, each read through a table into *out
 * (elements of `size` bytes) */
static void *read_list(struct rd *r, napi_value o, const char *key, const struct rd_field *fields, size_t nfields,
		       size_t size, int *count)
{
	uint32_t n, i;
	napi_value arr = rd_array(r, o, key, MAX_LIST, &n);
	char *v = rd_alloc(r, n, size);
	*count = r->ok ? (int)n : 0;
	for (i = 0; r->ok && i < n; i++) {
		struct rd e;
		napi_value obj;
		rd_enter(r, &e, key, i);
		obj = rd_object_value(&e, rd_elem(r, arr, i), "", 0, NULL);
		if (obj)
			rd_fields(&e, obj, v + (size_t)i * size, fields, nfields);
		r->ok = e.ok;
	}
	return v;
}

/* bigint[] at obj[key] into words (at most PLAN_CPU_WORDS); returns the count */
static int read_words(struct rd *r, napi_value o, const char *key, uint64_t *words)
{
	uint32_t n, i;
	napi_value arr = rd_array(r, o, key, PLAN_CPU_WORDS, &n);
	for (i = 0; r->ok && i < n; i++)
		words[i] = rd_big_value(r, rd_elem(r, arr, i), key);
	return r->ok ? (int)n : 0;
}

static void read_attrs(struct rd *parent, napi_value o, struct plan_attrs *a)
{
	struct rd r;
	napi_value v;
	v = rd_object(parent, o, "attrs", 0, NULL);
	if (!v)
		return;
	rd_enter(parent, &r, "attrs", -1);
	if (rd_fields(&r, v, a, ROWS(attrs_fields))) {
		a->naff_initial = read_words(&r, v, "affinityInitial", a->aff_initial);
		a->naff_final = read_words(&r, v, "affinityFinal", a->aff_final);
		a->nmempolicy_nodes = read_words(&r, v, "memPolicyNodes", a->mempolicy_nodes);
	}
	parent->ok = r.ok;
}

static void read_rlimits(struct rd *r, napi_value o, struct plan_process *pr)
{
	uint32_t n, i;
	napi_value arr = rd_array(r, o, "rlimits", 64, &n);
	pr->rlimits = rd_alloc(r, n, sizeof(*pr->rlimits));
	pr->nrlimits = r->ok ? (int)n : 0;
	for (i = 0; r->ok && i < n; i++) {
		struct rd e;
		napi_value obj;
		rd_enter(r, &e, "rlimits", i);
		obj = rd_object_value(&e, rd_elem(r, arr, i), "", 0, NULL);
		pr->rlimits[i].resource = (int)rd_int(&e, obj, "resource", 0, RLIM_NLIMITS - 1);
		pr->rlimits[i].lim.rlim_cur = rd_big(&e, obj, "soft");
		pr->rlimits[i].lim.rlim_max = rd_big(&e, obj, "hard");
		r->ok = e.ok;
	}
}

static void read_groups(struct rd *r, napi_value o, struct plan_process *pr)
{
	uint32_t n, i;
	napi_value arr = rd_array(r, o, "additionalGids", MAX_LIST, &n);
	pr->groups = rd_alloc(r, n, sizeof(gid_t));
	pr->ngroups = r->ok ? (int)n : 0;
	for (i = 0; r->ok && i < n; i++)
		pr->groups[i] = (gid_t)rd_int_value(r, rd_elem(r, arr, i), "additionalGids[]", 0, ID_MAX);
}

/* one section: obj[key] read by fn with a reader named after it */
typedef void (*section_reader)(struct rd *r, napi_value o, void *out);

static void read_section(struct rd *parent, napi_value plan, const char *key, section_reader fn, void *out)
{
	struct rd r;
	napi_value o = rd_object(parent, plan, key, 0, NULL);
	if (!o)
		return;
	rd_enter(parent, &r, key, -1);
	fn(&r, o, out);
	parent->ok = r.ok;
}

static void read_namespaces(struct rd *r, napi_value o, void *out)
{
	struct plan_namespaces *ns = out;
	if (!rd_fields(r, o, ns, ROWS(ns_fields)))
		return;
	ns->joins = read_list(r, o, "joins", ROWS(join_fields), sizeof(*ns->joins), &ns->njoins);
}

static void read_rootfs(struct rd *r, napi_value o, void *out)
{
	struct plan_rootfs *rf = out;
	int i;
	if (!rd_fields(r, o, rf, ROWS(rootfs_fields)))
		return;
	rf->mounts = read_list(r, o, "mounts", ROWS(mount_fields), sizeof(*rf->mounts), &rf->nmounts);
	/* before anything else can fail: plan_free closes them */
	for (i = 0; rf->mounts && i < rf->nmounts; i++) {
		rf->mounts[i].userns_fd = -1;
		rf->mounts[i].source_fd = -1;
	}
	rf->devlinks = read_list(r, o, "devLinks", ROWS(devlink_fields), sizeof(*rf->devlinks), &rf->ndevlinks);
	rf->devices = read_list(r, o, "devices", ROWS(device_fields), sizeof(*rf->devices), &rf->ndevices);
	rf->sysctls = read_list(r, o, "sysctls", ROWS(sysctl_fields), sizeof(*rf->sysctls), &rf->nsysctls);
}

static void read_process(struct rd *r, napi_value o, void *out)
{
	struct plan_process *pr = out;
	napi_value sc;
	if (!rd_fields(r, o, pr, ROWS(process_fields)))
		return;
	read_rlimits(r, o, pr);
	read_groups(r, o, pr);
	read_attrs(r, o, &pr->attrs);
	if (r->ok && (!pr->argv || !pr->argv[0]))
		rd_fail(r, "args", "must have at least one element");
	/* built into BPF here, in the parent: the child cannot allocate (seccomp.c) */
	if (rd_prop(r, o, "seccomp", &sc) && !seccomp_prep_from_js(r->env, sc, &pr->seccomp))
		r->ok = 0;
}

static void read_start_hooks(struct rd *r, napi_value o, struct plan_sync *sy)
{
	uint32_t n;
	int i;
	/* the init keeps an exec argv per hook (hooks.c): a bounded number */
	if (!rd_array(r, o, "startHooks", PLAN_MAX_START_HOOKS, &n))
		return;
	sy->start_hooks = read_list(r, o, "startHooks", ROWS(hook_fields), sizeof(*sy->start_hooks), &sy->nstart_hooks);
	for (i = 0; r->ok && i < sy->nstart_hooks; i++) {
		struct plan_hook *h = &sy->start_hooks[i];
		if (h->path[0] != '/' || !h->argv[0]) {
			struct rd e;
			rd_enter(r, &e, "startHooks", i);
			rd_fail(&e, h->path[0] != '/' ? "path" : "args", h->path[0] != '/' ? "must be absolute" : "must have at least one element");
			r->ok = e.ok;
		}
	}
	/* the state comes with hooks only, and then is never empty */
	if (r->ok && (sy->nstart_hooks > 0) != (sy->state_max > 0))
		rd_fail(r, "stateMaxBytes", "must be above 0 exactly when there are startHooks");
	if (r->ok && (sy->nstart_hooks > 0) != (sy->hooks_fifo_path[0] != 0))
		rd_fail(r, "hooksFifoPath", "must be given exactly when there are startHooks");
}

static void read_sync(struct rd *r, napi_value o, void *out)
{
	struct plan_sync *sy = out;
	if (rd_fields(r, o, out, ROWS(sync_fields)))
		read_start_hooks(r, o, out);
	if (r->ok && sy->ncgroup_tasks > PLAN_MAX_CGROUP_TASKS)
		rd_fail(r, "cgroupTasks", "has more entries than there can be v1 hierarchies");
}

int plan_from_js(napi_env env, napi_value o, struct plan *p)
{
	struct rd r;
	int no_rootfs = 0, i;

	memset(p, 0, sizeof(*p));
	p->sync.fifo_fd = -1;
	p->sync.console_fd = -1;
	p->sync.hooks_fd = -1;
	p->sync.cgroup_into_fd = -1;
	p->ns.cgroup_after_placement_fd = -1;
	for (i = 0; i < PLAN_MAX_CGROUP_TASKS; i++)
		p->sync.cgroup_tasks_fd[i] = -1;
	rd_init(&r, env, "LaunchPlan");
	read_section(&r, o, "namespaces", read_namespaces, &p->ns);
	/* exec: no rootfs section, nothing of the container is set up again */
	if (r.ok && rd_object(&r, o, "rootfs", 1, &no_rootfs) == NULL && r.ok && no_rootfs)
		p->exec = 1;
	else
		read_section(&r, o, "rootfs", read_rootfs, &p->rootfs);
	read_section(&r, o, "process", read_process, &p->proc);
	read_section(&r, o, "sync", read_sync, &p->sync);
	p->scratch_len = PLAN_SCRATCH_LEN;
	p->scratch = rd_alloc(&r, 1, p->scratch_len);
	return r.ok;
}

static void free_list(void *v, int n, size_t size, const struct rd_field *fields, size_t nfields)
{
	int i;
	for (i = 0; v && i < n; i++)
		rd_fields_free((char *)v + (size_t)i * size, fields, nfields);
	free(v);
}

void plan_free(struct plan *p)
{
	struct plan_rootfs *rf = &p->rootfs;
	int i;
	free_list(p->ns.joins, p->ns.njoins, sizeof(*p->ns.joins), ROWS(join_fields));
	rd_fields_free(&p->ns, ROWS(ns_fields));
	for (i = 0; rf->mounts && i < rf->nmounts; i++)
		if (rf->mounts[i].userns_fd >= 0)
			close(rf->mounts[i].userns_fd);
	free_list(rf->mounts, rf->nmounts, sizeof(*rf->mounts), ROWS(mount_fields));
	free_list(rf->devlinks, rf->ndevlinks, sizeof(*rf->devlinks), ROWS(devlink_fields));
	free_list(rf->devices, rf->ndevices, sizeof(*rf->devices), ROWS(device_fields));
	free_list(rf->sysctls, rf->nsysctls, sizeof(*rf->sysctls), ROWS(sysctl_fields));
	rd_fields_free(rf, ROWS(rootfs_fields));
	free(p->proc.rlimits);
	free(p->proc.groups);
	rd_fields_free(&p->proc.attrs, ROWS(attrs_fields));
	rd_fields_free(&p->proc, ROWS(process_fields));
	seccomp_prep_free(&p->proc.seccomp);
	free_list(p->sync.start_hooks, p->sync.nstart_hooks, sizeof(*p->sync.start_hooks), ROWS(hook_fields));
	rd_fields_free(&p->sync, ROWS(sync_fields));
	free(p->scratch);
	memset(p, 0, sizeof(*p));
}
