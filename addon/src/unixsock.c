/*
 * A blocking, connected AF_UNIX stream socket for TypeScript to read and write
 * with fs.readSync/fs.writeSync: the systemd cgroup driver talks D-Bus from
 * inside spawn()'s synchronous callback, where no event loop runs. The
 * protocol is all TypeScript (lib/cgroups/dbus.ts); C only connects.
 */
#include <errno.h>
#include <node_api.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "module.h"

/* fd, or -errno; reads and writes give up with EAGAIN after timeout_ms */
static int connect_unix(const char *path, int64_t timeout_ms)
{
	struct sockaddr_un sa;
	struct timeval tv;
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	tv.tv_sec = (time_t)(timeout_ms / 1000);
	tv.tv_usec = (suseconds_t)((timeout_ms % 1000) * 1000);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	do
		rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* connectUnix(path: string, timeoutMs: number): fd or -errno */
static napi_value js_connect_unix(napi_env env, napi_callback_info info)
{
	size_t argc = 2, n;
	napi_value argv[2], r;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	int64_t timeout_ms;

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
	    napi_get_value_string_utf8(env, argv[0], path, sizeof(path), &n) != napi_ok || n != strlen(path) ||
	    napi_get_value_int64(env, argv[1], &timeout_ms) != napi_ok || timeout_ms <= 0 || timeout_ms > 3600000) {
		napi_throw_type_error(env, NULL, "connectUnix(path: string without NUL, timeoutMs: 1..3600000)");
		return NULL;
	}
	if (n >= sizeof(path) - 1) {
		napi_create_int32(env, -ENAMETOOLONG, &r);
		return r;
	}
	napi_create_int32(env, connect_unix(path, timeout_ms), &r);
	return r;
}

/* called from addon.c's init: one line there registers this file's exports */
void unixsock_register(napi_env env, napi_value exports)
{
	napi_property_descriptor props[] = {
		{"connectUnix", NULL, js_connect_unix, NULL, NULL, NULL, napi_default, NULL},
	};
	napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
