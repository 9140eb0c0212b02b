// SPDX-License-Identifier: GPL-2.0
/*
 * grouplist USER BASE: print getgrouplist(USER, BASE) in glibc's order, one
 * line, space-separated; exit 2 if USER is unknown.  pagd_nss_sss.sh runs
 * it with "group: sss" to check initgroups through the stock libnss_sss.
 * A C program rather than an interpreter: nothing else in it may look a
 * user up through NSS (an interpreter may, at start-up, and that lookup
 * would hang on the stopped pagd the test is checking the memory cache
 * with).
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	gid_t groups[256];
	int n = sizeof(groups) / sizeof(groups[0]);
	char *end;
	unsigned long base;

	if (argc != 3) {
		fprintf(stderr, "usage: grouplist USER BASE\n");
		return 64;
	}
	base = strtoul(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0') {
		fprintf(stderr, "grouplist: bad gid '%s'\n", argv[2]);
		return 64;
	}
	if (getgrouplist(argv[1], (gid_t)base, groups, &n) < 0) {
		fprintf(stderr, "grouplist: more than %d groups\n", n);
		return 1;
	}
	for (int i = 0; i < n; i++)
		printf(i ? " %u" : "%u", (unsigned int)groups[i]);
	putchar('\n');
	return 0;
}
