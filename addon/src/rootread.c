/*
 * readFileInRoot(rootPath, relPath, maxBytes): reads a small file of the
 * container's image (its /etc/passwd) from the host side without letting the
 * image choose what is read. The path is resolved with openat2
 * RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS against the rootfs, so a symlink
 * in the image (absolute or climbing) stays inside the rootfs; the open is
 * O_NONBLOCK, so a FIFO there cannot block the runtime; only a regular file
 * is read (fstat after the open: a device such as /dev/zero is never read),
 * and never more than maxBytes (a file that grows while read, or a procfs
 * file with no size, stops at the cap).
 *
 * Returns a Buffer with the contents, or a negative errno: -ENOENT when
 * absent, -EINVAL when the file is not a regular file, -EFBIG above the cap.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "module.h"
#include "napi_read.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* the largest cap a caller may ask for: these are text files of a few KB */
#define ROOTREAD_MAX_CAP (64L << 20)

/* reads the whole file into *out (malloc'd, *len bytes): 0 or -errno */
static int read_in_root(const char *root, const char *rel, size_t cap, char **out, size_t *len)
{
	struct open_how how;
	struct stat st;
	char *buf;
	size_t got = 0;
	int rootfd, fd, err = 0;

	*out = NULL;
	*len = 0;
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	err = fd < 0 ? -errno : 0;
	close(rootfd);
	if (fd < 0)
		return err;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		goto out;
	}
	if (st.st_size > 0 && (uint64_t)st.st_size > cap) {
		err = -EFBIG;
		goto out;
	}
	/* one byte more than the cap, to see a file that is bigger than it says */
	buf = malloc(cap + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf + got, cap + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > cap) {
			err = -EFBIG;
			break;
		}
	}
	if (err < 0) {
		free(buf);
		goto out;
	}
	*out = buf;
	*len = got;
out:
	close(fd);
	return err;
}

static napi_value js_read_file_in_root(napi_env env, napi_callback_info info)
{
	size_t argc = 3, len = 0;
	napi_value argv[3], args, result;
	char root[PATH_MAX], rel[PATH_MAX], *data = NULL;
	int64_t cap;
	struct rd r;
	int rc;

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) {
		napi_throw_type_error(env, NULL, "readFileInRoot(rootPath, relPath, maxBytes)");
		return NULL;
	}
	/* the shared readers take fields of an object: the arguments become one */
	rd_init(&r, env, "readFileInRoot");
	if (napi_create_object(env, &args) != napi_ok || napi_set_named_property(env, args, "rootPath", argv[0]) != napi_ok ||
	    napi_set_named_property(env, args, "relPath", argv[1]) != napi_ok ||
	    napi_set_named_property(env, args, "maxBytes", argv[2]) != napi_ok)
		return NULL;
	/* never open a different path than asked: no NUL, no cut (rd_strbuf) */
	rd_strbuf(&r, args, "rootPath", root, sizeof(root));
	rd_strbuf(&r, args, "relPath", rel, sizeof(rel));
	cap = rd_int(&r, args, "maxBytes", 0, ROOTREAD_MAX_CAP);
	if (!r.ok)
		return NULL;
	rc = read_in_root(root, rel, (size_t)cap, &data, &len);
	if (rc < 0) {
		if (napi_create_int32(env, rc, &result) != napi_ok)
			return NULL;
		return result;
	}
	if (napi_create_buffer_copy(env, len, len ? data : "", NULL, &result) != napi_ok)
		result = NULL;
	free(data);
	return result;
}

void rootread_register(napi_env env, napi_value exports)
{
	napi_value fn;
	if (napi_create_function(env, "readFileInRoot", NAPI_AUTO_LENGTH, js_read_file_in_root, NULL, &fn) == napi_ok)
		napi_set_named_property(env, exports, "readFileInRoot", fn);
}
