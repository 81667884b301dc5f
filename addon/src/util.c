/* Async-signal-safe string helpers for the native child (util.h). */
#include "util.h"

size_t s_len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int s_copy(char *dst, size_t cap, const char *src)
{
	size_t i = 0;
	if (cap == 0)
		return -1;
	for (; src && src[i] && i + 1 < cap; i++)
		dst[i] = src[i];
	dst[i] = 0;
	return src && src[i] ? -1 : 0;
}

char *int_to_str(char *buf, size_t cap, long long v)
{
	char digits[24];
	size_t n = 0, i = 0;
	/* the magnitude as unsigned, so LLONG_MIN does not overflow */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n + (v < 0) + 1 > cap)
		return NULL;
	if (v < 0)
		buf[i++] = '-';
	while (n > 0)
		buf[i++] = digits[--n];
	buf[i] = 0;
	return buf;
}

const char *fd_path(char buf[FD_PATH_LEN], int fd)
{
	static const char prefix[] = "/proc/self/fd/";
	size_t i;
	for (i = 0; i < sizeof(prefix) - 1; i++)
		buf[i] = prefix[i];
	/* 14 + at most 11 characters of an int: always fits in 32 */
	int_to_str(buf + i, FD_PATH_LEN - i, fd);
	return buf;
}
