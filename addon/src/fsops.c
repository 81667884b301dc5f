/* The file system calls lib/sys/fs.ts needs inside the compiled executable,
 * where loading Bun's node:fs costs 1-2 ms on every runts call (more than
 * `state` spends on its work). Thin wrappers: each returns what the syscall
 * returned, or a negative errno; TypeScript turns that into node's
 * ErrnoException (lib/sys/errno-names.ts). Arguments are checked here too
 * (lib/sys/fs.ts checks them first): a path must be a string without NUL
 * bytes, an fd a non-negative int32, a buffer range inside its buffer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "module.h"
#include "napi_read.h"

/* the longest path accepted: the kernel refuses more than PATH_MAX anyway,
 * with ENAMETOOLONG, which is what the caller gets for a longer one too */
#define FS_PATH_MAX (PATH_MAX * 4)

/* the arguments of one call; 0 with a TypeError pending when they are not
 * what the call takes */
static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *usage)
{
	size_t argc = want;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
		napi_throw_type_error(env, NULL, usage);
		return 0;
	}
	return 1;
}

/* a path argument: malloc'd, or NULL (a TypeError pending, or ENAMETOOLONG in *err) */
static char *get_path(napi_env env, napi_value v, const char *fn, int *err)
{
	struct rd r;
	size_t len = 0, got = 0;
	char *s;
	*err = 0;
	rd_init(&r, env, fn);
	if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
		rd_fail(&r, "path", "must be a string");
		return NULL;
	}
	if (len > FS_PATH_MAX) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	s = malloc(len + 1);
	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	if (napi_get_value_string_utf8(env, v, s, len + 1, &got) != napi_ok || got != len) {
		free(s);
		rd_fail(&r, "path", "must be a string");
		return NULL;
	}
	/* C would stop at the NUL: another file than the one asked for */
	if (strlen(s) != len) {
		free(s);
		rd_fail(&r, "path", "must not contain NUL bytes");
		return NULL;
	}
	return s;
}

static int get_int(napi_env env, napi_value v, const char *fn, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
	struct rd r;
	rd_init(&r, env, fn);
	*out = rd_int_value(&r, v, key, lo, hi);
	return r.ok;
}

static napi_value ret_int(napi_env env, int64_t v)
{
	return make_int(env, v);
}

/* path calls that return 0 or a negative errno: one argument reader for all */
enum path_op { OP_MKDIR, OP_RMDIR, OP_UNLINK, OP_CHMOD, OP_ACCESS };

static napi_value path_call(napi_env env, napi_callback_info info, enum path_op op, const char *fn, size_t nargs)
{
	napi_value argv[2];
	int64_t arg = 0;
	int err = 0, rc;
	char *p;
	if (!get_args(env, info, nargs, argv, fn))
		return NULL;
	if (nargs > 1 && !get_int(env, argv[1], fn, "mode", 0, 07777, &arg))
		return NULL;
	p = get_path(env, argv[0], fn, &err);
	if (!p)
		return err ? ret_int(env, err) : NULL;
	switch (op) {
	case OP_MKDIR:
		rc = mkdir(p, (mode_t)arg);
		break;
	case OP_RMDIR:
		rc = rmdir(p);
		break;
	case OP_UNLINK:
		rc = unlink(p);
		break;
	case OP_CHMOD:
		rc = chmod(p, (mode_t)arg);
		break;
	case OP_ACCESS:
		rc = access(p, (int)arg);
		break;
	default:
		rc = -1;
		errno = EINVAL;
	}
	rc = rc < 0 ? -errno : 0;
	free(p);
	return ret_int(env, rc);
}

static napi_value js_mkdir(napi_env env, napi_callback_info info) { return path_call(env, info, OP_MKDIR, "fsMkdir", 2); }
static napi_value js_rmdir(napi_env env, napi_callback_info info) { return path_call(env, info, OP_RMDIR, "fsRmdir", 1); }
static napi_value js_unlink(napi_env env, napi_callback_info info) { return path_call(env, info, OP_UNLINK, "fsUnlink", 1); }
static napi_value js_chmod(napi_env env, napi_callback_info info) { return path_call(env, info, OP_CHMOD, "fsChmod", 2); }
static napi_value js_access(napi_env env, napi_callback_info info) { return path_call(env, info, OP_ACCESS, "fsAccess", 2); }

/* fsOpen(path, flags, mode): an fd (always O_CLOEXEC, as libuv opens), or a negative errno */
static napi_value js_open(napi_env env, napi_callback_info info)
{
	napi_value argv[3];
	int64_t flags, mode;
	int err = 0, fd;
	char *p;
	if (!get_args(env, info, 3, argv, "fsOpen(path, flags, mode)"))
		return NULL;
	if (!get_int(env, argv[1], "fsOpen", "flags", INT32_MIN, INT32_MAX, &flags) ||
	    !get_int(env, argv[2], "fsOpen", "mode", 0, 07777, &mode))
		return NULL;
	p = get_path(env, argv[0], "fsOpen", &err);
	if (!p)
		return err ? ret_int(env, err) : NULL;
	do
		fd = open(p, (int)flags | O_CLOEXEC, (mode_t)mode);
	while (fd < 0 && errno == EINTR);
	fd = fd < 0 ? -errno : fd;
	free(p);
	return ret_int(env, fd);
}

static int get_fd(napi_env env, napi_value v, const char *fn, int *fd)
{
	int64_t x;
	if (!get_int(env, v, fn, "fd", 0, INT32_MAX, &x))
		return 0;
	*fd = (int)x;
	return 1;
}

/* fsClose(fd): 0 or a negative errno. EINTR is not retried: on Linux the fd
 * is gone either way, and a retry could close one another thread opened. */
static napi_value js_close(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	int fd;
	if (!get_args(env, info, 1, argv, "fsClose(fd)") || !get_fd(env, argv[0], "fsClose", &fd))
		return NULL;
	if (close(fd) < 0 && errno != EINTR)
		return ret_int(env, -errno);
	return ret_int(env, 0);
}

/* fsRead/fsWrite(fd, buffer, offset, length): bytes moved, or a negative errno */
static napi_value rw_call(napi_env env, napi_callback_info info, int writing)
{
	const char *fn = writing ? "fsWrite" : "fsRead";
	napi_value argv[4];
	napi_typedarray_type type;
	size_t len = 0, boff = 0;
	void *data = NULL;
	napi_value ab;
	int64_t off, count;
	ssize_t n;
	int fd;
	bool is_ta = false;
	if (!get_args(env, info, 4, argv, writing ? "fsWrite(fd, buffer, offset, length)" : "fsRead(fd, buffer, offset, length)"))
		return NULL;
	if (!get_fd(env, argv[0], fn, &fd))
		return NULL;
	if (napi_is_typedarray(env, argv[1], &is_ta) != napi_ok || !is_ta ||
	    napi_get_typedarray_info(env, argv[1], &type, &len, &data, &ab, &boff) != napi_ok || type != napi_uint8_array) {
		napi_throw_type_error(env, NULL, "buffer must be a Uint8Array");
		return NULL;
	}
	if (!get_int(env, argv[2], fn, "offset", 0, (int64_t)len, &off) ||
	    !get_int(env, argv[3], fn, "length", 0, (int64_t)len - off, &count))
		return NULL;
	if (count == 0)
		return ret_int(env, 0);
	if (!data) {
		napi_throw_type_error(env, NULL, "buffer has no memory");
		return NULL;
	}
	do
		n = writing ? write(fd, (char *)data + off, (size_t)count) : read(fd, (char *)data + off, (size_t)count);
	while (n < 0 && errno == EINTR);
	return ret_int(env, n < 0 ? -errno : (int64_t)n);
}

static napi_value js_read(napi_env env, napi_callback_info info) { return rw_call(env, info, 0); }
static napi_value js_write(napi_env env, napi_callback_info info) { return rw_call(env, info, 1); }

/* the Float64Array a stat result is written into, of at least n elements */
static double *get_out(napi_env env, napi_value v, size_t n)
{
	napi_typedarray_type type;
	size_t len = 0, boff = 0;
	void *data = NULL;
	napi_value ab;
	bool is_ta = false;
	if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta ||
	    napi_get_typedarray_info(env, v, &type, &len, &data, &ab, &boff) != napi_ok || type != napi_float64_array ||
	    len < n || !data) {
		napi_throw_type_error(env, NULL, "out must be a Float64Array of the stat fields");
		return NULL;
	}
	return data;
}

/* in lib/sys/fs.ts's STAT_FIELDS order */
#define STAT_FIELDS 14
static double ms(struct timespec t)
{
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void fill_stat(double *o, const struct stat *st)
{
	o[0] = (double)st->st_dev;
	o[1] = (double)st->st_ino;
	o[2] = (double)st->st_mode;
	o[3] = (double)st->st_nlink;
	o[4] = (double)st->st_uid;
	o[5] = (double)st->st_gid;
	o[6] = (double)st->st_rdev;
	o[7] = (double)st->st_size;
	o[8] = (double)st->st_blksize;
	o[9] = (double)st->st_blocks;
	o[10] = ms(st->st_atim);
	o[11] = ms(st->st_mtim);
	o[12] = ms(st->st_ctim);
	/* no birth time from stat(2): node reports ctime's when statx has none */
	o[13] = ms(st->st_ctim);
}

/* fsStat(path, follow, out): 0 or a negative errno */
static napi_value js_stat(napi_env env, napi_callback_info info)
{
	napi_value argv[3];
	struct stat st;
	bool follow = true;
	double *out;
	int err = 0, rc;
	char *p;
	if (!get_args(env, info, 3, argv, "fsStat(path, follow, out)"))
		return NULL;
	if (napi_get_value_bool(env, argv[1], &follow) != napi_ok) {
		napi_throw_type_error(env, NULL, "fsStat: follow must be a boolean");
		return NULL;
	}
	if (!(out = get_out(env, argv[2], STAT_FIELDS)))
		return NULL;
	p = get_path(env, argv[0], "fsStat", &err);
	if (!p)
		return err ? ret_int(env, err) : NULL;
	rc = follow ? stat(p, &st) : lstat(p, &st);
	rc = rc < 0 ? -errno : 0;
	free(p);
	if (rc == 0)
		fill_stat(out, &st);
	return ret_int(env, rc);
}

/* fsFstat(fd, out): 0 or a negative errno */
static napi_value js_fstat(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	struct stat st;
	double *out;
	int fd;
	if (!get_args(env, info, 2, argv, "fsFstat(fd, out)") || !get_fd(env, argv[0], "fsFstat", &fd))
		return NULL;
	if (!(out = get_out(env, argv[1], STAT_FIELDS)))
		return NULL;
	if (fstat(fd, &st) < 0)
		return ret_int(env, -errno);
	fill_stat(out, &st);
	return ret_int(env, 0);
}

/* fsStatfs(path, out): 0 or a negative errno; out: type, bsize, blocks, bfree, bavail, files, ffree */
static napi_value js_statfs(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	struct statfs sf;
	double *out;
	int err = 0, rc;
	char *p;
	if (!get_args(env, info, 2, argv, "fsStatfs(path, out)") || !(out = get_out(env, argv[1], 7)))
		return NULL;
	p = get_path(env, argv[0], "fsStatfs", &err);
	if (!p)
		return err ? ret_int(env, err) : NULL;
	rc = statfs(p, &sf) < 0 ? -errno : 0;
	free(p);
	if (rc == 0) {
		out[0] = (double)sf.f_type;
		out[1] = (double)sf.f_bsize;
		out[2] = (double)sf.f_blocks;
		out[3] = (double)sf.f_bfree;
		out[4] = (double)sf.f_bavail;
		out[5] = (double)sf.f_files;
		out[6] = (double)sf.f_ffree;
	}
	return ret_int(env, rc);
}

/* fsRename(from, to): 0 or a negative errno */
static napi_value js_rename(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	char *from, *to;
	int err = 0, rc;
	if (!get_args(env, info, 2, argv, "fsRename(from, to)"))
		return NULL;
	from = get_path(env, argv[0], "fsRename", &err);
	if (!from)
		return err ? ret_int(env, err) : NULL;
	to = get_path(env, argv[1], "fsRename", &err);
	if (!to) {
		free(from);
		return err ? ret_int(env, err) : NULL;
	}
	rc = rename(from, to) < 0 ? -errno : 0;
	free(from);
	free(to);
	return ret_int(env, rc);
}

/* fsReadlink(path): the target, or a negative errno */
static napi_value js_readlink(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	char target[PATH_MAX + 1];
	ssize_t n;
	int err = 0;
	char *p;
	if (!get_args(env, info, 1, argv, "fsReadlink(path)"))
		return NULL;
	p = get_path(env, argv[0], "fsReadlink", &err);
	if (!p)
		return err ? ret_int(env, err) : NULL;
	n = readlink(p, target, sizeof(target));
	free(p);
	if (n < 0)
		return ret_int(env, -errno);
	/* filled the buffer: maybe cut; the kernel keeps link targets under PATH_MAX */
	if ((size_t)n >= sizeof(target))
		return ret_int(env, -ENAMETOOLONG);
	target[n] = '\0';
	return make_str(env, target);
}

/* fsRealpath(path): the canonical path, or a negative errno */
static napi_value js_realpath(napi_env env, napi_callback_info info)
{
	napi_value argv[1], result;
	char *p, *real;
	int err = 0;
	if (!get_args(env, info, 1, argv, "fsRealpath(path)"))
		return NULL;
	p = get_path(env, argv[0], "fsRealpath", &err);
	if (!p)
		return err ? ret_int(env, err) : NULL;
	real = realpath(p, NULL);
	err = real ? 0 : -errno;
	free(p);
	if (!real)
		return ret_int(env, err);
	result = make_str(env, real);
	free(real);
	return result;
}

struct entry {
	char *name;
	unsigned char type;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void free_entries(struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].name);
	free(e);
}

/* the entries of d but . and .., sorted by strcmp as libuv's scandir sorts
 * them (node's readdirSync order); 0 or a negative errno */
static int read_entries(DIR *d, struct entry **out, size_t *count)
{
	struct entry *e = NULL, *bigger;
	size_t n = 0, cap = 0;
	struct dirent *de;
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				free_entries(e, n);
				return -errno;
			}
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if (cap > SIZE_MAX / sizeof(*e) || !(bigger = realloc(e, cap * sizeof(*e)))) {
				free_entries(e, n);
				return -ENOMEM;
			}
			e = bigger;
		}
		if (!(e[n].name = strdup(de->d_name))) {
			free_entries(e, n);
			return -ENOMEM;
		}
		e[n++].type = de->d_type;
	}
	if (n > 1)
		qsort(e, n, sizeof(*e), by_name);
	*out = e;
	*count = n;
	return 0;
}

/* fsReaddir(path, names, types): fills the two arrays (names and d_type of
 * each entry, sorted as node's readdir), and returns the count, or a
 * negative errno */
static napi_value js_readdir(napi_env env, napi_callback_info info)
{
	napi_value argv[3], v;
	struct entry *e = NULL;
	size_t n = 0;
	int err = 0;
	DIR *d;
	char *p;
	if (!get_args(env, info, 3, argv, "fsReaddir(path, names, types)"))
		return NULL;
	p = get_path(env, argv[0], "fsReaddir", &err);
	if (!p)
		return err ? ret_int(env, err) : NULL;
	d = opendir(p);
	err = d ? 0 : -errno;
	free(p);
	if (!d)
		return ret_int(env, err);
	err = read_entries(d, &e, &n);
	closedir(d);
	if (err < 0)
		return ret_int(env, err);
	if (n > UINT32_MAX) {
		free_entries(e, n);
		return ret_int(env, -EOVERFLOW);
	}
	for (size_t i = 0; i < n; i++)
		if (napi_create_string_utf8(env, e[i].name, NAPI_AUTO_LENGTH, &v) != napi_ok ||
		    napi_set_element(env, argv[1], (uint32_t)i, v) != napi_ok ||
		    napi_create_int32(env, e[i].type, &v) != napi_ok || napi_set_element(env, argv[2], (uint32_t)i, v) != napi_ok) {
			free_entries(e, n);
			return NULL;
		}
	free_entries(e, n);
	return ret_int(env, (int64_t)n);
}

void fsops_register(napi_env env, napi_value exports)
{
	static const struct {
		const char *name;
		napi_callback fn;
	} fns[] = {
		{"fsOpen", js_open},     {"fsClose", js_close},       {"fsRead", js_read},         {"fsWrite", js_write},
		{"fsStat", js_stat},     {"fsFstat", js_fstat},       {"fsStatfs", js_statfs},     {"fsMkdir", js_mkdir},
		{"fsRmdir", js_rmdir},   {"fsUnlink", js_unlink},     {"fsRename", js_rename},     {"fsChmod", js_chmod},
		{"fsAccess", js_access}, {"fsReadlink", js_readlink}, {"fsRealpath", js_realpath}, {"fsReaddir", js_readdir},
	};
	napi_value fn;
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &fn) == napi_ok)
			napi_set_named_property(env, exports, fns[i].name, fn);
}
