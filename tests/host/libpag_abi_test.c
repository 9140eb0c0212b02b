// SPDX-License-Identifier: GPL-2.0
/*
 * The ABI of libpag.so.0: programs built against libpag 0.1.0's pag.h
 * allocate struct pag_info and struct pag_event at 0.1.0's size, and the
 * library writes whole structs into them (pag_create(), pag_current(),
 * pag_get(), pag_event_read()...).  So those structs never grow: a new
 * field would be written past the caller's buffer.  New data gets a
 * struct and functions of its own (struct pag_holders, LIBPAG_0.2;
 * Documentation/design/decisions.rst).  These assertions fail the build
 * of the tests when either struct changes; the layout of 0.1.0 is spelled
 * out here, field by field, so that they hold on every architecture.
 */

#include <stddef.h>

#include <pag/pag.h>

#include "kselftest_harness.h"

/* struct pag_info of libpag 0.1.0, copied here on purpose: frozen. */
struct pag_info_0_1 {
	int32_t id;
	uint32_t owner_uid;
	uint32_t creator_pid;
	char creator_comm[16];
	uint64_t created_ns;
	uint32_t flags;
	uint32_t token_count;
	uint32_t present;
	int32_t parent_id;
	uint64_t parent_created_ns;
};

/* struct pag_event of libpag 0.1.0. */
struct pag_event_0_1 {
	enum pag_event_type type;
	struct pag_info_0_1 pag;
};

#define SAME_FIELD(now, then, field)                                      \
	_Static_assert(offsetof(struct now, field) ==                     \
				       offsetof(struct then, field) &&    \
			       sizeof(((struct now *)0)->field) ==        \
				       sizeof(((struct then *)0)->field), \
		       #now "." #field " moved: libpag.so.0's ABI")

_Static_assert(sizeof(struct pag_info) == sizeof(struct pag_info_0_1),
	       "struct pag_info changed size: callers of libpag.so.0 "
	       "allocate it; add a struct of its own instead");
SAME_FIELD(pag_info, pag_info_0_1, id);
SAME_FIELD(pag_info, pag_info_0_1, owner_uid);
SAME_FIELD(pag_info, pag_info_0_1, creator_pid);
SAME_FIELD(pag_info, pag_info_0_1, creator_comm);
SAME_FIELD(pag_info, pag_info_0_1, created_ns);
SAME_FIELD(pag_info, pag_info_0_1, flags);
SAME_FIELD(pag_info, pag_info_0_1, token_count);
SAME_FIELD(pag_info, pag_info_0_1, present);
SAME_FIELD(pag_info, pag_info_0_1, parent_id);
SAME_FIELD(pag_info, pag_info_0_1, parent_created_ns);

_Static_assert(sizeof(struct pag_event) == sizeof(struct pag_event_0_1),
	       "struct pag_event changed size: callers of libpag.so.0 "
	       "allocate it");
SAME_FIELD(pag_event, pag_event_0_1, type);
SAME_FIELD(pag_event, pag_event_0_1, pag);

#if defined(__x86_64__)
/* The sizes 0.1.0 shipped with on amd64, in plain numbers. */
_Static_assert(sizeof(struct pag_info) == 64, "struct pag_info: 64 bytes");
_Static_assert(sizeof(struct pag_event) == 72, "struct pag_event: 72 bytes");
#endif

/* The assertions above are the test; this says so in TAP. */
TEST(caller_allocated_structs_keep_their_size)
{
	EXPECT_EQ(sizeof(struct pag_info_0_1), sizeof(struct pag_info));
	EXPECT_EQ(sizeof(struct pag_event_0_1), sizeof(struct pag_event));
}

TEST_HARNESS_MAIN
