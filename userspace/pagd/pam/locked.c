// SPDX-License-Identifier: GPL-2.0
/*
 * Locked, wiped, undumped buffers (locked.h).  mlock() may fail under a
 * low RLIMIT_MEMLOCK; the buffer is refused then rather than kept where it
 * could be swapped: pagd's unit gives it room (LimitMEMLOCK).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pagd/pam/locked.h"

int locked_alloc(struct locked_buf *b, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = (len + page) & ~(page - 1);
	void *m;
	int r;

	memset(b, 0, sizeof(*b));
	m = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -errno;
	if (mlock(m, size) < 0 || madvise(m, size, MADV_DONTDUMP) < 0 ||
	    madvise(m, size, MADV_DONTFORK) < 0) {
		r = -errno;
		munmap(m, size);
		return r;
	}
	b->data = m;
	b->len = len;
	b->size = size;
	return 0;
}

void locked_free(struct locked_buf *b)
{
	if (!b->data)
		return;
	explicit_bzero(b->data, b->size);
	munmap(b->data, b->size);
	memset(b, 0, sizeof(*b));
}
