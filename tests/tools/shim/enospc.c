/*
 * enospc: an LD_PRELOAD shim that makes writes to regular files fail
 * with ENOSPC ("no space left on device") while the file named by
 * $KESRA_ENOSPC exists: a full disk without root (tests/tui/faults.sh).
 * Writes to terminals, pipes and sockets go through, so the screen still
 * paints. Covers write, pwrite, pwrite64, writev and fallocate.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

ssize_t write(int, const void *, size_t);
ssize_t pwrite(int, const void *, size_t, off_t);
ssize_t pwrite64(int, const void *, size_t, off64_t);
ssize_t writev(int, const struct iovec *, int);
int fallocate(int, int, off_t, off_t);

/* 1 when a write to fd must fail. */
static int
full(int fd)
{
	const char *flag = getenv("KESRA_ENOSPC");
	struct stat sb;
	if (flag == NULL || access(flag, F_OK) != 0)
		return 0;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return 0;
	errno = ENOSPC;
	return 1;
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*pwrite64_fn)(int, const void *, size_t, off64_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef int (*fallocate_fn)(int, int, off_t, off_t);

#define REAL(name, type) \
	static type real; \
	if (real == NULL) \
		real = (type)dlsym(RTLD_NEXT, name)

ssize_t
write(int fd, const void *buf, size_t n)
{
	REAL("write", write_fn);
	return full(fd) ? -1 : real(fd, buf, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL("pwrite", pwrite_fn);
	return full(fd) ? -1 : real(fd, buf, n, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	REAL("pwrite64", pwrite64_fn);
	return full(fd) ? -1 : real(fd, buf, n, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int n)
{
	REAL("writev", writev_fn);
	return full(fd) ? -1 : real(fd, iov, n);
}

int
fallocate(int fd, int mode, off_t off, off_t len)
{
	REAL("fallocate", fallocate_fn);
	return full(fd) ? -1 : real(fd, mode, off, len);
}
