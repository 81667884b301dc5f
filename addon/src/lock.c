/* flock(2) for the per-container lock (lib/container/lock.ts): node has no
 * flock. The lock is on an open file description, so it dies with the
 * process that holds it, however that process ends (SIGKILL included): a
 * killed runts never leaves a container locked. */
#include <errno.h>
#include <sys/file.h>

#include "module.h"

/* flock(fd, exclusive ? LOCK_EX : LOCK_SH [| LOCK_NB unless wait]):
 * 0, or a negative errno (-EWOULDBLOCK when busy and not waiting) */
static napi_value js_flock(napi_env env, napi_callback_info info)
{
	size_t argc = 3;
	napi_value argv[3], result;
	int32_t fd;
	bool exclusive, wait;
	int rc;

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) {
		napi_throw_type_error(env, NULL, "flock(fd, exclusive, wait)");
		return NULL;
	}
	if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
		napi_throw_type_error(env, NULL, "flock: fd must be a non-negative integer");
		return NULL;
	}
	if (napi_get_value_bool(env, argv[1], &exclusive) != napi_ok || napi_get_value_bool(env, argv[2], &wait) != napi_ok) {
		napi_throw_type_error(env, NULL, "flock: exclusive and wait must be booleans");
		return NULL;
	}
	/* a signal (SIGWINCH, a forwarded one) interrupts a waiting flock: wait on */
	do
		rc = flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB));
	while (rc < 0 && errno == EINTR);
	if (napi_create_int32(env, rc < 0 ? -errno : 0, &result) != napi_ok)
		return NULL;
	return result;
}

void lock_register(napi_env env, napi_value exports)
{
	napi_value fn;
	if (napi_create_function(env, "flock", NAPI_AUTO_LENGTH, js_flock, NULL, &fn) == napi_ok)
		napi_set_named_property(env, exports, "flock", fn);
}
