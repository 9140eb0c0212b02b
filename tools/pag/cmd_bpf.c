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
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include <pag/peer.h>

#include "bpf/loader.h"
#include "cli.h"

#define EXIT_BPF_NOT_LOADED  3
#define EXIT_BPF_UNAVAILABLE 4

/*
 * The one option a subcommand takes besides --json (when @json_ok) and
 * --help, if @flag names one ("force": --force); returns the index past
 * the options or -1 (exit code in *rc).
 */
static int bpf_opts(int argc, char **argv, const char *flag, bool json_ok,
		    bool *set, int *rc)
{
	struct option opts[] = { { "help", no_argument, NULL, 'h' },
				 { "json", no_argument, NULL, 'j' },
				 { flag, no_argument, NULL, 'f' },
				 {} };
	int c;

	if (!flag)
		opts[2] = (struct option){};
	*set = false;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'f') {
			*set = true;
		} else if (c == 'j' && json_ok) {
			json = true;
		} else if (c == 'h') {
			usage_of(stdout, current_cmd);
			*rc = 0;
			return -1;
		} else {
			*rc = usage_error("%s: unknown option '%s'", argv[0],
					  argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		*rc = usage_error("%s: unexpected argument '%s'", argv[0],
				  argv[optind]);
		return -1;
	}
	return optind;
}

/*
 * At boot pag-bpf.service runs after the modules are loaded: when pag.ko
 * is not, because it was built for another kernel, its journal says so,
 * since the tags then name no PAG at all.
 */
static void warn_module_mismatch(void)
{
	char why[512];

	if (access("/sys/module/pag", F_OK) == 0)
		return;
	if (pag_module_mismatch(why, sizeof(why)) == 1)
		fprintf(stderr,
			"pag bpf: warning: %s: sockets are tagged, but no PAG "
			"exists until a pag.ko for this kernel is loaded\n",
			why);
}

static int bpf_load(int argc, char **argv)
{
	bool force;
	int rc, err;

	if (bpf_opts(argc, argv, "force", false, &force, &rc) < 0)
		return rc;
	err = bpfload_load(force);
	if (err == -EOPNOTSUPP)
		return EXIT_BPF_UNAVAILABLE;
	if (!err)
		warn_module_mismatch();
	return err ? exit_code_of(err) : 0;
}

static int bpf_unload(int argc, char **argv)
{
	bool purge;
	int rc, err;

	if (bpf_opts(argc, argv, "purge", false, &purge, &rc) < 0)
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
