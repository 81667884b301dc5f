/* seccomp filters: built with libseccomp in the parent, loaded raw in the child.
 *
 * libseccomp's seccomp_init/seccomp_rule_add/seccomp_load allocate (and
 * seccomp_load may probe the kernel and set no_new_privs), none of which a
 * child forked from node may do. So the whole filter is built and exported as
 * BPF here, in the parent, before clone(); the child only calls seccomp(2)
 * with that memory (seccomp_apply), which is a plain system call. */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "fdpass.h"
#include "napi_read.h"
#include "seccomp.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* flags that only tune logging, mitigations or waiting: dropped when the
 * kernel lacks them, in the direction of the kernel's older behaviour */
#define ADVISORY_FLAGS                                                                          \
	(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW | \
	 SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)

/* ---------- reading SeccompPlan (lib/seccomp/plan.ts) ---------- */

#define U32 4294967295LL

static const struct rd_field arg_fields[] = {
	F_INT(struct scmp_arg_cmp, "index", arg, 0, 5),
	F_INT(struct scmp_arg_cmp, "op", op, 1, SCMP_CMP_MASKED_EQ),
	F_BIG(struct scmp_arg_cmp, "value", datum_a),
	F_BIG(struct scmp_arg_cmp, "valueTwo", datum_b),
};

static void build_failed(struct seccomp_prep *s, int err, const char *field, const char *what, const char *name)
{
	s->err = err;
	snprintf(s->what, sizeof(s->what), "%s: %s%s%s", field, what, name ? " " : "", name ? name : "");
}

/* Is a filter flag known to this kernel? With a NULL program the kernel checks
 * the flags first (EINVAL) and then fails to copy the program (EFAULT), so
 * nothing is ever loaded. libseccomp probes the same way. */
static int flag_supported(unsigned long bit)
{
	long rc;
	/* the kernel refuses WAIT_KILLABLE_RECV alone, before the program */
	if (bit == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		bit |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, bit, NULL);
	return rc < 0 && errno == EFAULT;
}

/* ctx -> malloc'd BPF (libseccomp 2.5 can only export to an fd: a memfd) */
static int export_bpf(scmp_filter_ctx ctx, struct seccomp_prep *s)
{
	struct stat st;
	ssize_t n;
	int fd, rc;
	fd = memfd_create("runts-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		goto out;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0) {
		rc = -EPROTO;
		goto out;
	}
	/* the kernel takes at most BPF_MAXINSNS instructions */
	if (st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
		rc = -E2BIG;
		goto out;
	}
	s->insns = malloc((size_t)st.st_size);
	if (!s->insns) {
		rc = -ENOMEM;
		goto out;
	}
	n = pread(fd, s->insns, (size_t)st.st_size, 0);
	if (n != (ssize_t)st.st_size) {
		rc = n < 0 ? -errno : -EIO;
		free(s->insns);
		s->insns = NULL;
		goto out;
	}
	s->len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
	rc = 0;
out:
	close(fd);
	return rc;
}

/* The ENOSYS stub TypeScript built (lib/seccomp/enosys.ts), to go in front
 * of libseccomp's filter. Its jumps must all land inside it or on its end,
 * which is the filter's first instruction: a jump further would land in the
 * middle of libseccomp's code, which the kernel would accept. */
static int stub_jumps_ok(const struct sock_filter *p, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		size_t left = n - (i + 1); /* instructions after this one, in the stub */
		if (BPF_CLASS(p[i].code) != BPF_JMP)
			continue;
		if (BPF_OP(p[i].code) == BPF_JA) {
			if (p[i].k > left)
				return 0;
		} else if (p[i].jt > left || p[i].jf > left) {
			return 0;
		}
	}
	return 1;
}

/* plan.enosysStub: NULL/0 when there is none; 0 with an exception for a bad one */
static int read_stub(struct rd *r, napi_value o, const struct sock_filter **stub, size_t *n)
{
	napi_value v;
	bool is_buffer = false;
	void *data = NULL;
	size_t bytes = 0;
	*stub = NULL;
	*n = 0;
	if (napi_get_named_property(r->env, o, "enosysStub", &v) != napi_ok ||
	    napi_is_buffer(r->env, v, &is_buffer) != napi_ok || !is_buffer)
		return 1;
	if (napi_get_buffer_info(r->env, v, &data, &bytes) != napi_ok || bytes == 0 ||
	    bytes % sizeof(struct sock_filter) != 0 || bytes / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return rd_fail(r, "enosysStub", "must be BPF instructions");
	if (!stub_jumps_ok(data, bytes / sizeof(struct sock_filter)))
		return rd_fail(r, "enosysStub", "jumps beyond its own end");
	*stub = data;
	*n = bytes / sizeof(struct sock_filter);
	return 1;
}

/* stub + s->insns, within the kernel's BPF_MAXINSNS */
static int prepend_stub(struct seccomp_prep *s, const struct sock_filter *stub, size_t n)
{
	struct sock_filter *all;
	size_t total;
	if (!n)
		return 0;
	total = n + s->len;
	if (total > BPF_MAXINSNS)
		return -E2BIG;
	all = malloc(total * sizeof(*all));
	if (!all)
		return -ENOMEM;
	memcpy(all, stub, n * sizeof(*all));
	memcpy(all + n, s->insns, (size_t)s->len * sizeof(*all));
	free(s->insns);
	s->insns = all;
	s->len = (unsigned short)total;
	return 0;
}

/* one rule's condition list into cmp[6]; the count, or -1 (thrown) */
static int read_conditions(struct rd *r, napi_value rule, struct scmp_arg_cmp *cmp)
{
	uint32_t nargs, j;
	napi_value args = rd_array(r, rule, "args", 6, &nargs);
	memset(cmp, 0, 6 * sizeof(*cmp));
	for (j = 0; r->ok && j < nargs; j++) {
		struct rd e;
		napi_value a;
		rd_enter(r, &e, "args", j);
		a = rd_object_value(&e, rd_elem(r, args, j), "", 0, NULL);
		if (a)
			rd_fields(&e, a, &cmp[j], arg_fields, sizeof(arg_fields) / sizeof(arg_fields[0]));
		r->ok = e.ok;
	}
	return r->ok ? (int)nargs : -1;
}

static int add_rules(struct rd *r, napi_value rules, uint32_t nrules, scmp_filter_ctx ctx, struct seccomp_prep *s)
{
	uint32_t i;
	for (i = 0; i < nrules && !s->err; i++) {
		struct rd e;
		napi_value rule;
		char name[128], field[160];
		struct scmp_arg_cmp cmp[6];
		int64_t action, nr;
		int rc, nargs;
		rd_enter(r, &e, "rules", i);
		rule = rd_object_value(&e, rd_elem(r, rules, i), "", 0, NULL);
		if (!rule || !rd_strbuf(&e, rule, "syscall", name, sizeof(name)) ||
		    !rd_strbuf(&e, rule, "field", field, sizeof(field)))
			return r->ok = 0;
		action = rd_int(&e, rule, "action", 0, U32);
		nargs = read_conditions(&e, rule, cmp);
		if (nargs < 0)
			return r->ok = 0;
		/* as runc: a name this libseccomp does not know is a syscall this
		 * kernel cannot have, so there is nothing to filter. Names of other
		 * architectures resolve to pseudo numbers libseccomp maps per arch. */
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			s->skipped++;
			continue;
		}
		/* not _exact: libseccomp may rewrite a rule for an arch (socketcall on x86) */
		rc = seccomp_rule_add_array(ctx, (uint32_t)action, (int)nr, (unsigned int)nargs, cmp);
		if (rc < 0)
			build_failed(s, -rc, field, "libseccomp cannot add the rule for", name);
	}
	return 1;
}

/* listenerPath and the three pieces of the state JSON */
static int read_listener(struct rd *r, napi_value o, struct seccomp_prep *s)
{
	uint32_t nstate, i;
	napi_value state = rd_array(r, o, "listenerState", 3, &nstate);
	s->listener_path = rd_str(r, o, "listenerPath", 107); /* sun_path */
	if (!r->ok)
		return 0;
	if (s->listener_path[0] && nstate != 3)
		return rd_fail(r, "listenerState", "must be three strings");
	for (i = 0; r->ok && i < nstate; i++)
		s->state[i] = rd_str_value(r, rd_elem(r, state, i), "listenerState[]", 0);
	return r->ok;
}

/* a filter built before (runts keeps them by the plan's hash) comes as BPF:
 * libseccomp has nothing to do. 1 when there was one. */
static int read_prebuilt(struct rd *r, napi_value o, struct seccomp_prep *s)
{
	napi_value v;
	bool is_buffer = false;
	void *data = NULL;
	size_t bytes = 0;
	if (napi_get_named_property(r->env, o, "prebuilt", &v) != napi_ok ||
	    napi_is_buffer(r->env, v, &is_buffer) != napi_ok || !is_buffer)
		return 0;
	if (napi_get_buffer_info(r->env, v, &data, &bytes) != napi_ok || bytes == 0 ||
	    bytes % sizeof(struct sock_filter) != 0 || bytes / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return rd_fail(r, "prebuilt", "must be BPF instructions"), 1;
	s->insns = malloc(bytes);
	if (!s->insns)
		return rd_fail(r, "prebuilt", "cannot be copied: out of memory"), 1;
	memcpy(s->insns, data, bytes);
	s->len = (unsigned short)(bytes / sizeof(struct sock_filter));
	return 1;
}

/* 0 with an exception pending; 1, with s->err set when libseccomp refused */
static int add_arches(struct rd *r, napi_value o, scmp_filter_ctx ctx, struct seccomp_prep *s)
{
	uint32_t narches, i;
	napi_value arches = rd_array(r, o, "arches", 64, &narches);
	for (i = 0; r->ok && i < narches; i++) {
		struct rd e;
		char field[160];
		int64_t token;
		int rc;
		napi_value a;
		rd_enter(r, &e, "arches", i);
		a = rd_object_value(&e, rd_elem(r, arches, i), "", 0, NULL);
		token = rd_int(&e, a, "token", 0, U32);
		if (!rd_strbuf(&e, a, "field", field, sizeof(field)))
			return r->ok = 0;
		rc = seccomp_arch_add(ctx, (uint32_t)token);
		/* EEXIST: the native arch, present from seccomp_init */
		if (rc < 0 && rc != -EEXIST) {
			build_failed(s, -rc, field, "this libseccomp cannot build filters for the architecture", NULL);
			return 1;
		}
	}
	return r->ok;
}

/* defaultAction, the architectures and the rules into BPF */
static int build_filter(struct rd *r, napi_value o, uint32_t def, int binary_tree, struct seccomp_prep *s)
{
	uint32_t nrules;
	napi_value rules = rd_array(r, o, "rules", 1u << 16, &nrules);
	const struct sock_filter *stub;
	size_t nstub;
	scmp_filter_ctx ctx;
	int rc, ok = 0;
	if (!r->ok || !read_stub(r, o, &stub, &nstub))
		return 0;
	ctx = seccomp_init(def);
	if (!ctx) {
		build_failed(s, EINVAL, "/linux/seccomp/defaultAction", "libseccomp refuses the default action", NULL);
		return 1;
	}
	/* the BPF is exported, never loaded by libseccomp: no_new_privs stays the
	 * plan's business (process.noNewPrivileges) */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0) {
		build_failed(s, -rc, "/linux/seccomp", "libseccomp attribute", "CTL_NNP");
		ok = 1;
		goto out;
	}
	/* faster lookups for long profiles; older libseccomp lacks it, which is fine */
	if (binary_tree)
		(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (!add_arches(r, o, ctx, s))
		goto out;
	ok = 1;
	if (s->err || !add_rules(r, rules, nrules, ctx, s))
		goto out;
	if (s->err)
		goto out;
	rc = export_bpf(ctx, s);
	if (rc < 0)
		build_failed(s, -rc, "/linux/seccomp", "export the filter as BPF", NULL);
	else if ((rc = prepend_stub(s, stub, nstub)) < 0)
		build_failed(s, -rc, "/linux/seccomp",
			     rc == -E2BIG ? "the ENOSYS stub and the filter exceed the kernel's 4096 instructions"
					  : "the filter with its ENOSYS stub",
			     NULL);
out:
	seccomp_release(ctx);
	return ok && r->ok;
}

int seccomp_prep_from_js(napi_env env, napi_value o, struct seccomp_prep *s)
{
	struct rd r;
	napi_valuetype t;
	int binary_tree, i;
	int64_t def, flags;

	memset(s, 0, sizeof(*s));
	rd_init(&r, env, "LaunchPlan.seccomp");
	if (napi_typeof(env, o, &t) != napi_ok || (t != napi_null && t != napi_undefined && t != napi_object))
		return rd_fail(&r, "", "must be an object or null");
	if (t != napi_object)
		return 1; /* no filter */
	def = rd_int(&r, o, "defaultAction", 0, U32);
	flags = rd_int(&r, o, "flags", 0, U32);
	s->early = rd_bool(&r, o, "early");
	binary_tree = rd_bool(&r, o, "binaryTree");
	if (!read_listener(&r, o, s))
		return 0;

	s->flags = (unsigned int)flags;
	for (i = 0; i < 32; i++) {
		unsigned long bit = 1UL << i;
		if ((s->flags & bit) && (bit & ADVISORY_FLAGS) && !flag_supported(bit))
			s->flags &= ~(unsigned int)bit;
	}
	if (read_prebuilt(&r, o, s))
		return r.ok;
	return build_filter(&r, o, (uint32_t)def, binary_tree, s);
}

void seccomp_prep_free(struct seccomp_prep *s)
{
	int i;
	free(s->insns);
	free(s->listener_path);
	for (i = 0; i < 3; i++)
		free(s->state[i]);
	memset(s, 0, sizeof(*s));
}

/* ---------- the child: async-signal-safe ---------- */

int seccomp_apply(const struct seccomp_prep *s, int *listener)
{
	struct sock_fprog prog;
	long rc;
	*listener = -1;
	if (!s->insns)
		return 0;
	prog.len = s->len;
	prog.filter = s->insns;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->flags, &prog);
	if (rc < 0)
		return -errno;
	if (s->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
		*listener = (int)rc;
	return 0;
}

int seccomp_send_fd(int sock, const void *payload, size_t len, int fd)
{
	ssize_t n = fdpass_send(sock, payload, len, fd);
	if (n < 0)
		return (int)n;
	/* SOCK_SEQPACKET: a message goes whole or not at all */
	return n == (ssize_t)len ? 0 : -EIO;
}

/* ---------- the parent: hand the notify fd to the seccomp agent ---------- */

int seccomp_send_listener(const struct seccomp_prep *s, pid_t pid, int notify_fd)
{
	struct sockaddr_un addr;
	char pidbuf[16], *json;
	size_t len, plen = strlen(s->listener_path);
	int sock = -1, rc = 0, n;

	if (!s->state[0] || !s->state[1] || !s->state[2])
		return -EINVAL;
	if (plen >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	n = snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	len = strlen(s->state[0]) + strlen(s->state[1]) + strlen(s->state[2]) + 2 * (size_t)n;
	json = malloc(len + 1);
	if (!json)
		return -ENOMEM;
	snprintf(json, len + 1, "%s%s%s%s%s", s->state[0], pidbuf, s->state[1], pidbuf, s->state[2]);

	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		rc = -errno;
		goto out;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path, s->listener_path, plen + 1);
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		rc = -errno;
		goto out;
	}
	/* one connection, one state. The spec allows several sends, the fd
	 * only in the first: a stream socket may take the JSON in pieces. */
	{
		size_t off = 0;
		ssize_t n = fdpass_send(sock, json, len, notify_fd);
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		for (off = (size_t)n; off < len; off += (size_t)n) {
			do
				n = send(sock, json + off, len - off, MSG_NOSIGNAL);
			while (n < 0 && errno == EINTR);
			if (n < 0) {
				rc = -errno;
				goto out;
			}
		}
	}
out:
	if (sock >= 0 && close(sock) < 0 && rc == 0)
		rc = -errno;
	free(json);
	return rc;
}

/* ---------- N-API, for tests, the bench and `features` ---------- */

/* seccompCompile(seccompPlan) -> {bpf: Buffer, skipped} | {error: {errno, message}} */
static napi_value js_compile(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], result, v;
	struct seccomp_prep s;
	void *data;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
		napi_throw_type_error(env, NULL, "seccompCompile(plan) needs a plan");
		return NULL;
	}
	if (!seccomp_prep_from_js(env, argv[0], &s)) {
		seccomp_prep_free(&s);
		return NULL;
	}
	napi_create_object(env, &result);
	if (s.err) {
		napi_value e;
		char msg[600];
		snprintf(msg, sizeof(msg), "%s: %s", s.what, strerror(s.err));
		napi_create_object(env, &e);
		napi_create_int32(env, s.err, &v);
		napi_set_named_property(env, e, "errno", v);
		napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &v);
		napi_set_named_property(env, e, "message", v);
		napi_set_named_property(env, result, "error", e);
	} else {
		size_t bytes = (size_t)s.len * sizeof(struct sock_filter);
		if (napi_create_buffer_copy(env, bytes, s.insns ? (void *)s.insns : (void *)"", &data, &v) != napi_ok) {
			seccomp_prep_free(&s);
			napi_throw_error(env, NULL, "out of memory");
			return NULL;
		}
		napi_set_named_property(env, result, "bpf", v);
		napi_create_uint32(env, s.flags, &v);
		napi_set_named_property(env, result, "flags", v);
		napi_create_int32(env, s.skipped, &v);
		napi_set_named_property(env, result, "skipped", v);
	}
	seccomp_prep_free(&s);
	return result;
}

/* seccompFlagSupported(bit) -> boolean: the kernel knows this filter flag */
static napi_value js_flag_supported(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], r;
	uint32_t bit = 0;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
	    napi_get_value_uint32(env, argv[0], &bit) != napi_ok) {
		napi_throw_type_error(env, NULL, "seccompFlagSupported(bit)");
		return NULL;
	}
	napi_get_boolean(env, bit != 0 && (bit & (bit - 1)) == 0 && flag_supported(bit), &r);
	return r;
}

/* seccompArchSupported(token) -> boolean: the linked libseccomp builds filters for it */
static napi_value js_arch_supported(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], r;
	uint32_t token = 0;
	scmp_filter_ctx ctx;
	int rc = -EINVAL;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
	    napi_get_value_uint32(env, argv[0], &token) != napi_ok) {
		napi_throw_type_error(env, NULL, "seccompArchSupported(token)");
		return NULL;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (ctx) {
		rc = seccomp_arch_add(ctx, token);
		seccomp_release(ctx);
	}
	napi_get_boolean(env, rc == 0 || rc == -EEXIST, &r);
	return r;
}

/* seccompSyscallNumbers(names, token) -> number[]: libseccomp's number for
 * each name on that arch, negative when it has none (lib/seccomp/enosys.ts
 * takes the highest) */
static napi_value js_syscall_numbers(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2], result, v;
	uint32_t token = 0, n = 0, i;
	bool is_array = false;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
	    napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array ||
	    napi_get_array_length(env, argv[0], &n) != napi_ok || n > (1u << 16) ||
	    napi_get_value_uint32(env, argv[1], &token) != napi_ok) {
		napi_throw_type_error(env, NULL, "seccompSyscallNumbers(names: string[] (at most 65536), token: number)");
		return NULL;
	}
	if (napi_create_array_with_length(env, n, &result) != napi_ok)
		return NULL;
	for (i = 0; i < n; i++) {
		char name[128];
		size_t len = 0;
		int nr = __NR_SCMP_ERROR;
		if (napi_get_element(env, argv[0], i, &v) != napi_ok ||
		    napi_get_value_string_utf8(env, v, name, sizeof(name), &len) != napi_ok) {
			napi_throw_type_error(env, NULL, "seccompSyscallNumbers: names must be strings");
			return NULL;
		}
		/* a name longer than any syscall's (or with a NUL) names none: not cut short to one */
		if (len < sizeof(name) - 1 && strlen(name) == len)
			nr = seccomp_syscall_resolve_name_arch(token, name);
		if (napi_create_int32(env, nr, &v) != napi_ok || napi_set_element(env, result, i, v) != napi_ok)
			return NULL;
	}
	return result;
}

void seccomp_register(napi_env env, napi_value exports)
{
	napi_property_descriptor props[] = {
		{"seccompCompile", NULL, js_compile, NULL, NULL, NULL, napi_default, NULL},
		{"seccompFlagSupported", NULL, js_flag_supported, NULL, NULL, NULL, napi_default, NULL},
		{"seccompArchSupported", NULL, js_arch_supported, NULL, NULL, NULL, napi_default, NULL},
		{"seccompSyscallNumbers", NULL, js_syscall_numbers, NULL, NULL, NULL, napi_default, NULL},
	};
	napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
