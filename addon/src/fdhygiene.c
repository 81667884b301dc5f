/* Descriptors a program the runtime starts must not inherit. node and Bun
 * open their own fds close-on-exec, but a descriptor runts inherited from
 * its caller without FD_CLOEXEC (containerd, a shell script, a leaky test
 * harness) would otherwise reach every hook, which runs with the runtime's
 * privileges. The container's own processes are cloned, not exec'd, and the
 * child clears FD_CLOEXEC itself on what it keeps (--preserve-fds,
 * LISTEN_FDS), so marking is safe for them. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "module.h"

/* close_range(first, ~0, CLOSE_RANGE_CLOEXEC) (Linux 5.11): 0, or a negative errno */
static napi_value js_cloexec_from(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], result;
	int32_t first;
	long rc;

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
	    napi_get_value_int32(env, argv[0], &first) != napi_ok || first < 3) {
		napi_throw_type_error(env, NULL, "cloexecFrom(first): first must be an integer >= 3");
		return NULL;
	}
	rc = syscall(SYS_close_range, (unsigned int)first, ~0U, CLOSE_RANGE_CLOEXEC);
	if (napi_create_int32(env, rc < 0 ? -errno : 0, &result) != napi_ok)
		return NULL;
	return result;
}

void fdhygiene_register(napi_env env, napi_value exports)
{
	napi_value fn;
	if (napi_create_function(env, "cloexecFrom", NAPI_AUTO_LENGTH, js_cloexec_from, NULL, &fn) == napi_ok)
		napi_set_named_property(env, exports, "cloexecFrom", fn);
}
