// SPDX-License-Identifier: GPL-2.0
/*
 * Why pag.ko is not loaded, when the reason is that it was built for another
 * kernel: the kernel refuses a module whose version magic names another
 * release, and after a kernel upgrade DKMS may not have rebuilt it yet.
 * `pag status` says so instead of leaving the user to read dmesg.
 */

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include <libkmod.h>

#include "cli.h"

/* The release a module was built for: the first word of its vermagic. */
static int built_for(struct kmod_module *mod, char rel[256])
{
	struct kmod_list *info = NULL, *l;
	int found = 0;

	if (kmod_module_get_info(mod, &info) < 0)
		return 0;
	kmod_list_foreach(l, info)
	{
		if (strcmp(kmod_module_info_get_key(l), "vermagic"))
			continue;
		found = sscanf(kmod_module_info_get_value(l), "%255s", rel) ==
			1;
		break;
	}
	kmod_module_info_free_list(info);
	return found;
}

/*
 * check_one() - compare one pag.ko with the running release
 *
 * Return: 1 (and @why filled) if built for another release, 0 if built for
 * this one, -1 if it cannot be read.
 */
static int check_one(struct kmod_module *mod, const char *running, char *why,
		     size_t len)
{
	char rel[256];

	if (!built_for(mod, rel))
		return -1;
	if (!strcmp(rel, running))
		return 0;
	snprintf(why, len, "pag.ko built for %s, running %s (%s)", rel, running,
		 kmod_module_get_path(mod));
	return 1;
}

/* Where DKMS (dkms.conf) and hand installs put pag.ko, for any kernel. */
static const char *const install_globs[] = {
	"/lib/modules/*/updates/dkms/pag.ko*",
	"/lib/modules/*/updates/pag.ko*",
	"/lib/modules/*/extra/pag.ko*",
};

int pag_module_mismatch(char *why, size_t len)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	struct utsname u;
	int rc = 0, r;
	unsigned int i;
	size_t j;
	glob_t g;

	if (uname(&u) || !(ctx = kmod_new(NULL, NULL)))
		return 0;
	/* What modprobe would load for the running kernel. */
	if (kmod_module_new_from_lookup(ctx, "pag", &list) == 0) {
		kmod_list_foreach(l, list)
		{
			mod = kmod_module_get_module(l);
			r = kmod_module_get_path(mod)
				    ? check_one(mod, u.release, why, len)
				    : -1;
			kmod_module_unref(mod);
			if (r >= 0) {
				rc = r;
				goto out;
			}
		}
	}
	/* Else any build, this kernel's first: the other kernels' say why. */
	for (i = 0; i < sizeof(install_globs) / sizeof(install_globs[0]); i++) {
		if (glob(install_globs[i], 0, NULL, &g))
			continue;
		for (j = 0; j < g.gl_pathc; j++) {
			if (kmod_module_new_from_path(ctx, g.gl_pathv[j], &mod))
				continue;
			r = check_one(mod, u.release, why, len);
			kmod_module_unref(mod);
			if (r == 0) {
				rc = 0;
				globfree(&g);
				goto out;
			}
			if (r == 1)
				rc = 1;
		}
		globfree(&g);
	}
out:
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return rc;
}
