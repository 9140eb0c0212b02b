// SPDX-License-Identifier: GPL-2.0
/*
 * pag-oci-runtime: the wrapper's own configuration, then the runtime
 * command.  The configuration comes only from what the engine's runtime
 * configuration (root's) puts on the command line: options starting with
 * --pag- before the runtime's own arguments (docker's runtimeArgs), or the
 * profile in the name it is run by, oci-runtime@PROFILE, for engines
 * whose runtime entries are a path without arguments (podman's
 * containers.conf).  Nothing in the bundle or the environment names the
 * profile: those are the container's, and a tenant could forge them.
 *
 * create, run and exec need root in the initial user namespace (a PAG is
 * ENTERed with CAP_SYS_ADMIN there); delete drops the record; every other
 * command, and those too after the wrapper's part, is the real runtime's,
 * run with the same arguments minus the wrapper's options.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/parse.h"
#include "oci-runtime.h"
#include "pag_version.h"

#define DEFAULT_TIMEOUT_S 30
#define DEFAULT_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

const char *const launch_name = "pag-oci-runtime";

static const char usage_text[] =
	"usage: oci-runtime [--pag-OPTION VALUE]... RUNTIME-ARG...\n"
	"       oci-runtime@PROFILE [--pag-OPTION VALUE]... RUNTIME-ARG...\n"
	"(the --pag- options may be anywhere among the runtime's global "
	"options)\n"
	"\n"
	"The OCI runtime of a container engine: runs the real runtime, "
	"giving each\n"
	"container a PAG of its own bound in pagd under PROFILE.\n"
	"\n"
	"  --pag-profile PROFILE   pagd profile of the containers\n"
	"  --pag-runtime RUNTIME   the real runtime (default: runc, else "
	"crun, on PATH)\n"
	"  --pag-address ADDRESS   pagd's D-Bus address, 'system' for the "
	"system bus\n"
	"                          (default " PAGD_PRIVATE_BUS ")\n"
	"  --pag-timeout SECONDS   wait that long for a container's "
	"credentials (30)\n"
	"  --pag-kcm yes|no        KRB5CCNAME=KCM: and pagd's kcm socket at "
	"MIT's\n"
	"                          default path where KCM serves the PAG "
	"(yes)\n"
	"  --pag-krb5-conf FILE    mount FILE at the container's "
	"/etc/krb5.conf\n"
	"  --pag-help              this text\n"
	"  --version               this version, then the runtime's\n";

/* "--pag-NAME VALUE" or "--pag-NAME=VALUE" at @argv[*i]; NULL: not it. */
static const char *opt_value(char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] || !argv[*i + 1])
		return NULL;
	return argv[++*i];
}

/* The profile in the name run by: oci-runtime@PROFILE. */
static const char *profile_of_name(const char *argv0)
{
	const char *base = strrchr(argv0, '/'), *at;

	base = base ? base + 1 : argv0;
	at = strrchr(base, '@');
	return at && at[1] ? at + 1 : NULL;
}

static int usage_error(const char *what, const char *arg)
{
	launch_err("%s '%s' (see --pag-help)", what, arg);
	return EX_USAGE;
}

/* One of the wrapper's options at @argv[*i]; 0, or the exit status. */
static int parse_opt(char **argv, int *i, struct oci_opts *o, uint64_t *secs)
{
	const char *v;

	if ((v = opt_value(argv, i, "--pag-profile"))) {
		if (!*v)
			return usage_error("empty profile", v);
		o->profile = v;
	} else if ((v = opt_value(argv, i, "--pag-runtime"))) {
		o->runtime = v;
	} else if ((v = opt_value(argv, i, "--pag-address"))) {
		o->address = strcmp(v, "system") ? v : NULL;
	} else if ((v = opt_value(argv, i, "--pag-timeout"))) {
		if (parse_uint(v, 1, UINT_MAX / 1000, secs))
			return usage_error("bad timeout", v);
	} else if ((v = opt_value(argv, i, "--pag-kcm"))) {
		if (strcmp(v, "yes") && strcmp(v, "no"))
			return usage_error("--pag-kcm takes yes or no, not", v);
		o->no_kcm = !strcmp(v, "no");
	} else if ((v = opt_value(argv, i, "--pag-krb5-conf"))) {
		if (*v != '/')
			return usage_error("--pag-krb5-conf needs an absolute "
					   "path, not",
					   v);
		o->krb5_conf = v;
	} else if (!strcmp(argv[*i], "--pag-help")) {
		fputs(usage_text, stdout);
		return -1;
	} else {
		return usage_error("unknown option, or no value:", argv[*i]);
	}
	return 0;
}

/*
 * The wrapper's options are taken from among the runtime's global ones,
 * before its command: an engine may put its own (--root, --log) first.
 * Returns 0, or the exit status to leave with.
 */
static int parse_args(int argc, char **argv, struct oci_opts *o)
{
	const char *name_profile = profile_of_name(argv[0]);
	uint64_t secs = DEFAULT_TIMEOUT_S;
	int i, n = 0, rc;

	o->address = PAGD_PRIVATE_BUS;
	o->argv = calloc(argc + 1, sizeof(*o->argv));
	if (!o->argv)
		return EX_OSERR;
	for (i = 1; argv[i] && argv[i][0] == '-'; i++) {
		if (!strncmp(argv[i], "--pag-", 6)) {
			rc = parse_opt(argv, &i, o, &secs);
			if (rc)
				return rc;
			continue;
		}
		o->argv[n++] = argv[i];
		if (launch_oci_takes_value(argv[i]) && argv[i + 1])
			o->argv[n++] = argv[++i];
	}
	while (argv[i])
		o->argv[n++] = argv[i++];
	if (name_profile && o->profile && strcmp(name_profile, o->profile)) {
		launch_err("two profiles: '%s' by name, '%s' by --pag-profile",
			   name_profile, o->profile);
		return EX_USAGE;
	}
	if (!o->profile)
		o->profile = name_profile;
	o->timeout_ms = secs * 1000;
	o->cmd = launch_oci_command(o->argv);
	return 0;
}

/* An executable file other than this program. */
static bool runnable(const char *path)
{
	struct stat st, self;

	return access(path, X_OK) == 0 && stat(path, &st) == 0 &&
	       S_ISREG(st.st_mode) &&
	       (stat("/proc/self/exe", &self) < 0 || st.st_dev != self.st_dev ||
		st.st_ino != self.st_ino);
}

/* @name, or its first runnable file on PATH, into @buf. */
static bool find_runtime(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	bool found = false;

	if (strchr(name, '/'))
		return snprintf(buf, size, "%s", name) < (int)size &&
		       runnable(buf);
	copy = strdup(path && *path ? path : DEFAULT_PATH);
	for (dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !found;
	     dir = strtok_r(NULL, ":", &save))
		found = snprintf(buf, size, "%s/%s", dir, name) < (int)size &&
			runnable(buf);
	free(copy);
	return found;
}

static int resolve_runtime(struct oci_opts *o, bool quiet)
{
	static char path[PATH_MAX];

	if (o->runtime) {
		if (!find_runtime(o->runtime, path, sizeof(path))) {
			if (!quiet)
				launch_err("runtime %s not found (or not "
					   "executable)",
					   o->runtime);
			return EXIT_NOT_FOUND;
		}
	} else if (!find_runtime("runc", path, sizeof(path)) &&
		   !find_runtime("crun", path, sizeof(path))) {
		if (!quiet)
			launch_err(
				"no runtime: neither runc nor crun is on PATH; "
				"name one with --pag-runtime");
		return EXIT_NOT_FOUND;
	}
	o->runtime = path;
	return 0;
}

/*
 * Root in the initial user namespace, where ENTER's CAP_SYS_ADMIN counts:
 * there the uid map is the identity over every id.
 */
static int check_rootful(const char *cmd)
{
	unsigned long in, out, count;
	FILE *f = fopen("/proc/self/uid_map", "re");
	bool initial = f && fscanf(f, "%lu %lu %lu", &in, &out, &count) == 3 &&
		       !in && !out && count == 4294967295ul;

	if (f)
		fclose(f);
	if (initial && geteuid() == 0)
		return 0;
	launch_err("%s: rootless engines are not supported: a container's PAG "
		   "is entered with CAP_SYS_ADMIN in the initial user "
		   "namespace, and this runs %s",
		   cmd,
		   initial ? "as a user other than root"
			   : "in a user namespace");
	return EX_NOPERM;
}

int oci_exec_runtime(const struct oci_opts *o)
{
	struct launch_opts lo = { .oci_runtime = o->runtime, .argv = o->argv };

	return launch_oci_exec(&lo, NULL);
}

static int run(struct oci_opts *o)
{
	const char *cmd = o->cmd >= 0 ? o->argv[o->cmd] : "";
	bool create = !strcmp(cmd, "create") || !strcmp(cmd, "run");
	bool exec = !strcmp(cmd, "exec");
	struct oci_target t = {};
	int rc;

	/* ours, then the real runtime's when there is one (engines show it) */
	if (o->argv[0] && !strcmp(o->argv[0], "--version")) {
		printf("pag-oci-runtime %s\n", PAG_VERSION);
		fflush(stdout);
		if (resolve_runtime(o, true))
			return 0;
		return oci_exec_runtime(o);
	}
	rc = resolve_runtime(o, false);
	if (rc)
		return rc;
	if (!create && !exec && strcmp(cmd, "delete"))
		return oci_exec_runtime(o);
	if (!create && !exec) {
		/* delete: a record left behind is harmless (exec checks the
		 * incarnation), a delete refused is not: it always runs */
		if (oci_target(o, &t) >= 0)
			oci_record_remove(t.id);
		oci_target_free(&t);
		return oci_exec_runtime(o);
	}
	rc = check_rootful(cmd);
	if (rc)
		return rc;
	if (oci_target(o, &t) < 0)
		return EX_USAGE;
	rc = create ? oci_create(o, &t) : oci_enter(o, &t);
	oci_target_free(&t);
	return rc;
}

int main(int argc, char **argv)
{
	struct oci_opts o = {};
	int rc;

	oci_log_setup(argv);
	rc = parse_args(argc, argv, &o);
	if (!rc)
		rc = run(&o);
	free(o.argv);
	return rc < 0 ? 0 : rc;
}
