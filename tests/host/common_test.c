// SPDX-License-Identifier: GPL-2.0
/*
 * The shared helpers of userspace/common/: strict number parsing, the one
 * time format, directories with exact modes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/parse.h"
#include "common/timefmt.h"
#include "kselftest_harness.h"

TEST(parse_uint_refuses_what_strtoull_accepts)
{
	static const char *const bad[] = {
		"", " 1", "+1", "-1", "1 ", "0x1", "1a", "18446744073709551616"
	};
	uint64_t v = 7;

	/* a failure names the string that got through */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_STREQ("refused",
			     parse_uint(bad[i], 0, UINT64_MAX, &v) == -EINVAL
				     ? "refused"
				     : bad[i]);
	EXPECT_EQ(7, v);
	EXPECT_EQ(0, parse_uint("18446744073709551615", 0, UINT64_MAX, &v));
	EXPECT_EQ(UINT64_MAX, v);
	EXPECT_EQ(-EINVAL, parse_uint("9", 10, 20, &v));
	EXPECT_EQ(-EINVAL, parse_uint("21", 10, 20, &v));
	EXPECT_EQ(0, parse_uint("010", 10, 20, &v));
	EXPECT_EQ(10, v);
}

TEST(parse_id_stops_below_the_no_id_value)
{
	uint32_t id;

	EXPECT_EQ(0, parse_id("0", &id));
	EXPECT_EQ(0, id);
	EXPECT_EQ(0, parse_id("4294967294", &id));
	EXPECT_EQ(4294967294u, id);
	EXPECT_EQ(-EINVAL, parse_id("4294967295", &id));
	EXPECT_EQ(-EINVAL, parse_id("-2", &id));
}

TEST(parse_pag_id_is_a_positive_s32)
{
	int32_t pag;

	EXPECT_EQ(-EINVAL, parse_pag_id("0", &pag));
	EXPECT_EQ(0, parse_pag_id("1", &pag));
	EXPECT_EQ(1, pag);
	EXPECT_EQ(0, parse_pag_id("2147483647", &pag));
	EXPECT_EQ(INT32_MAX, pag);
	EXPECT_EQ(-EINVAL, parse_pag_id("2147483648", &pag));
}

TEST(timefmt_is_iso8601_with_offset)
{
	char buf[TIMEFMT_MAX];

	setenv("TZ", "UTC", 1);
	tzset();
	EXPECT_STREQ("2026-12-02T14:05:07+0000",
		     timefmt(1796220307, buf, sizeof(buf)));
	setenv("TZ", "EST5", 1);
	tzset();
	EXPECT_STREQ("2026-12-02T09:05:07-0500",
		     timefmt(1796220307, buf, sizeof(buf)));
}

TEST(mkdir_exact_mode_ignores_the_umask_and_creates_parents)
{
	char top[] = "/tmp/common_test.XXXXXX", path[64], leaf[80];
	struct stat st;

	ASSERT_NE(NULL, mkdtemp(top));
	snprintf(path, sizeof(path), "%s/a/b", top);
	umask(077);
	ASSERT_EQ(0, mkdir_exact_mode(path, 0755));
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0755, st.st_mode & 07777);
	/* an existing directory gets the mode too; mkdir_p() leaves it */
	ASSERT_EQ(0, mkdir_p(path, 0700));
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0755, st.st_mode & 07777);
	ASSERT_EQ(0, mkdir_exact_mode(path, 0711));
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0711, st.st_mode & 07777);
	/* a file in the way is not a directory */
	snprintf(leaf, sizeof(leaf), "%s/f", path);
	ASSERT_EQ(0, close(creat(leaf, 0600)));
	EXPECT_EQ(-ENOTDIR, mkdir_p(leaf, 0700));
	unlink(leaf);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", top);
	rmdir(path);
	rmdir(top);
}

TEST_HARNESS_MAIN
