/*
 * cgroup v2 device filter: loads a BPF_PROG_TYPE_CGROUP_DEVICE program whose
 * instructions TypeScript generated (lib/cgroups/devicefilter.ts) and attaches
 * it to a cgroup directory. C only acts: no rule logic here.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char verifier_log[4096];

/*
 * attach flags 0: a later attach to the same cgroup replaces this program
 * (update), and nothing below the container can override it. multi
 * (BPF_F_ALLOW_MULTI): next to systemd's own program in a unit's cgroup
 * (systemd attaches with that flag, and the kernel refuses to mix the two);
 * a device is then allowed only when both programs allow it.
 */
static int attach_device_filter(const char *dir, const void *insns, size_t len, int multi)
{
	union bpf_attr a;
	int dirfd, prog, rc = 0;

	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)(len / sizeof(struct bpf_insn));
	a.license = (uint64_t)(uintptr_t) "Apache";
	verifier_log[0] = 0;
	a.log_buf = (uint64_t)(uintptr_t)verifier_log;
	a.log_size = sizeof(verifier_log);
	a.log_level = 1;
	prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (prog < 0 && errno == ENOSPC) {
		/* the log did not fit; load again without it */
		a.log_buf = 0;
		a.log_size = 0;
		a.log_level = 0;
		prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	}
	if (prog < 0) {
		rc = -errno;
		close(dirfd);
		return rc;
	}
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)dirfd;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = multi ? BPF_F_ALLOW_MULTI : 0;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof(a)) < 0)
		rc = -errno;
	close(prog);
	close(dirfd);
	return rc;
}

/* attachDeviceFilter(dir: string, insns: Buffer, multi?: boolean): 0 or -errno; verifierLog() after a failure */
static napi_value js_attach_device_filter(napi_env env, napi_callback_info info)
{
	size_t argc = 3;
	napi_value argv[3], r;
	bool multi = false;
	char dir[4096];
	size_t n;
	void *data;
	size_t len;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 2 || napi_get_value_string_utf8(env, argv[0], dir, sizeof(dir), &n) != napi_ok ||
	    napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok || len % sizeof(struct bpf_insn)) {
		napi_throw_type_error(env, NULL, "attachDeviceFilter(dir: string, insns: Buffer of 8-byte instructions, multi?: boolean)");
		return NULL;
	}
	if (argc >= 3 && napi_get_value_bool(env, argv[2], &multi) != napi_ok) {
		napi_throw_type_error(env, NULL, "attachDeviceFilter: multi must be a boolean");
		return NULL;
	}
	napi_create_int32(env, attach_device_filter(dir, data, len, multi), &r);
	return r;
}

static napi_value js_verifier_log(napi_env env, napi_callback_info info)
{
	napi_value r;
	(void)info; /* takes no arguments; N-API fixes the signature */
	napi_create_string_utf8(env, verifier_log, NAPI_AUTO_LENGTH, &r);
	return r;
}

/* called from module.c's init: one line there registers this file's exports */
void bpf_register(napi_env env, napi_value exports)
{
	napi_property_descriptor props[] = {
		{"attachDeviceFilter", NULL, js_attach_device_filter, NULL, NULL, NULL, napi_default, NULL},
		{"bpfVerifierLog", NULL, js_verifier_log, NULL, NULL, NULL, napi_default, NULL},
	};
	napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
