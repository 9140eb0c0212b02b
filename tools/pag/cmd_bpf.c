// SPDX-License-Identifier: GPL-2.0
/*
 * pag bpf: load, inspect and unload the pag BPF LSM program, which tags
 * sockets with the PAG of their creator (Documentation/userspace-api/
 * pag-bpf.rst).  The work is done by userspace/bpf/loader.c; this file is
 * the command line around it.  `status` exits in the manner of systemctl:
 * 0 active, 3 not loaded, 4 BPF LSM unavailable; `load` exits 4 when BPF
 * LSM is unavailable.
 */

#include <errno.h>
#include <string.h>

#include <pag/peer.h>

#include "bpf/loader.h"
#include "cli.h"

#define EXIT_BPF_NOT_LOADED  3
#define EXIT_BPF_UNAVAILABLE 4

/*
 * The one option a subcommand takes besides --json and --help, if @flag
 * names one; returns the index past the options or -1 (exit code in *rc).
 */
static int bpf_opts(int argc, char **argv, const char *flag, bool json_ok,
		    bool *set, int *rc)
{
	int i;

	*set = false;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (flag && !strcmp(argv[i], flag)) {
			*set = true;
		} else if (json_ok && !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--help") ||
			   !strcmp(argv[i], "-h")) {
			usage_of(stdout, current_cmd);
			*rc = 0;
			return -1;
		} else {
			*rc = usage_error("%s: unknown option '%s'", argv[0],
					  argv[i]);
			return -1;
		}
	}
	if (i < argc) {
		*rc = usage_error("%s: unexpected argument '%s'", argv[0],
				  argv[i]);
		return -1;
	}
	return i;
}

static int bpf_load(int argc, char **argv)
{
	bool force;
	int rc, err;

	if (bpf_opts(argc, argv, "--force", false, &force, &rc) < 0)
		return rc;
	err = bpfload_load(force);
	if (err == -EOPNOTSUPP)
		return EXIT_BPF_UNAVAILABLE;
	return err ? exit_code_of(err) : 0;
}

static int bpf_unload(int argc, char **argv)
{
	bool purge;
	int rc, err;

	if (bpf_opts(argc, argv, "--purge", false, &purge, &rc) < 0)
		return rc;
	err = bpfload_unload(purge);
	return err ? exit_code_of(err) : 0;
}

static void print_pin(void *ctx, const char *kind, const char *name,
		      bool pinned)
{
	printf("%s %s: %s\n", kind, name, pinned ? "pinned" : "missing");
}

/* Collects the pins into the "links" and "maps" objects of @ctx. */
static void add_pin(void *ctx, const char *kind, const char *name, bool pinned)
{
	json_t *group = json_object_get(ctx, *kind == 'l' ? "links" : "maps");

	json_object_set_new(group, name, json_boolean(pinned));
}

static int bpf_status(int argc, char **argv)
{
	char why[512] = "";
	json_t *obj = NULL;
	bool unused;
	int rc, state;

	if (bpf_opts(argc, argv, NULL, true, &unused, &rc) < 0)
		return rc;
	if (json) {
		obj = json_pack("{s:s,s:s,s:{},s:{}}", "state", "", "reason",
				"", "links", "maps");
		if (!obj)
			return failure(-ENOMEM, NULL);
		state = bpfload_status(why, sizeof(why), add_pin, obj);
		json_object_set_new(obj, "state",
				    json_string(bpfload_state_name(state)));
		json_object_set_new(obj, "reason", json_string(why));
		print_json(obj);
	} else {
		state = bpfload_status(why, sizeof(why), print_pin, NULL);
		printf("state: %s\n%s\n", bpfload_state_name(state), why);
	}
	switch (state) {
	case PAG_BPF_ACTIVE:
		return 0;
	case PAG_BPF_NOT_LOADED:
		return EXIT_BPF_NOT_LOADED;
	default:
		return EXIT_BPF_UNAVAILABLE;
	}
}

int cmd_bpf(int argc, char **argv)
{
	static const struct cmd subs[] = {
		{ .name = "load", .fn = bpf_load },
		{ .name = "status", .fn = bpf_status },
		{ .name = "unload", .fn = bpf_unload },
		{}
	};
	const struct cmd *c;

	if (argc < 2)
		return usage_error("missing subcommand (load, status, unload)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_of(stdout, current_cmd);
		return 0;
	}
	for (c = subs; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			return c->fn(argc - 1, argv + 1);
	return usage_error("unknown subcommand '%s'", argv[1]);
}
