// SPDX-License-Identifier: GPL-2.0
/*
 * pag-launch: run a command, or an OCI runtime, in a PAG of its own that
 * pagd has bound to a set of identity domains and, optionally, to Kerberos
 * credentials; see pag-launch(1).  The order of the steps matters: the
 * PAG exists before pagd hears of it, the credentials are in place before
 * the first process of the container runs, and the namespaces are made
 * last, while pagd is still reachable to undo the bindings on failure.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pag/pag.h>

#include "common/parse.h"
#include "launch.h"
#include "pag_version.h"

#define DEFAULT_TIMEOUT_S 30

const char *const launch_name = "pag-launch";

static const char usage_text[] =
	"usage: pag-launch [OPTIONS] [--] COMMAND [ARG]...\n"
	"       pag-launch [OPTIONS] --oci-runtime RUNTIME [--] "
	"RUNTIME-ARG...\n"
	"\n"
	"Runs COMMAND in a new PAG bound in pagd to the given domains and\n"
	"credentials, in the namespaces asked for.\n"
	"\n"
	"  -d, --domain DOMAIN        bind the PAG to DOMAIN (repeatable); "
	"its\n"
	"                             identity sockets appear at "
	"/var/lib/sss/pipes\n"
	"  -p, --principal PRINCIPAL  bind Kerberos credentials of "
	"PRINCIPAL, from\n"
	"                             the keytab pagd's configuration gives "
	"it\n"
	"      --profile NAME         bind within pagd's profile NAME: "
	"its domains\n"
	"                             (or the --domain ones among them) and "
	"its first\n"
	"                             principal (or the --principal one)\n"
	"  -t, --timeout SECONDS      wait that long for the initial "
	"credentials (30)\n"
	"  -U, --user                 new user namespace, root mapped to the "
	"caller\n"
	"      --map-users IN:OUT:N   ...mapping ids IN..IN+N-1 to "
	"OUT..OUT+N-1\n"
	"  -m, --mount                new mount namespace (implied by "
	"--domain)\n"
	"  -P, --pid                  new pid namespace; pag-launch waits as "
	"its parent\n"
	"  -u, --uts                  new UTS namespace\n"
	"      --hostname NAME        ...with this host name\n"
	"  -n, --net                  new network namespace (lo up)\n"
	"      --afs-netns WHERE      where the container's kafs mounts are "
	"made: host\n"
	"                             (the default: a host-made /afs), or "
	"container\n"
	"                             (its own, with --net): pagd makes the "
	"PAG's\n"
	"                             kafs tokens there\n"
	"      --no-sockets           do not mount the identity sockets\n"
	"      --no-kcm               keep KRB5CCNAME on the PAG's keyring "
	"rather\n"
	"                             than pagd's KCM socket\n"
	"      --krb5-conf FILE       mount FILE at /etc/krb5.conf\n"
	"      --oci-runtime RUNTIME  wrap an OCI runtime (runc, crun): "
	"--no-new-keyring\n"
	"                             is added to run and create\n"
	"      --address ADDRESS      pagd's D-Bus address "
	"(default " PAGD_PRIVATE_BUS ")\n"
	"      --system               reach pagd on the system bus\n"
	"  -h, --help                 this text\n"
	"      --version              print the version\n";

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("pag-launch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'pag-launch --help'.\n", stderr);
	return EX_USAGE;
}

static int parse_u32(const char *s, uint32_t *v)
{
	uint64_t n;
	int r = parse_uint(s, 0, UINT32_MAX, &n);

	if (r == 0)
		*v = (uint32_t)n;
	return r;
}

static int parse_map(const char *s, struct launch_opts *o)
{
	char buf[64], *a, *b, *save = NULL;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -EINVAL;
	a = strtok_r(buf, ":", &save);
	b = strtok_r(NULL, ":", &save);
	s = strtok_r(NULL, ":", &save);
	if (!a || !b || !s || strtok_r(NULL, ":", &save) ||
	    parse_u32(a, &o->map_inside) || parse_u32(b, &o->map_outside) ||
	    parse_u32(s, &o->map_count) || !o->map_count)
		return -EINVAL;
	return 0;
}

enum {
	OPT_MAP_USERS = 256,
	OPT_HOSTNAME,
	OPT_NO_SOCKETS,
	OPT_OCI_RUNTIME,
	OPT_ADDRESS,
	OPT_SYSTEM,
	OPT_VERSION,
	OPT_PROFILE,
	OPT_AFS_NETNS,
	OPT_NO_KCM,
	OPT_KRB5_CONF,
};

static const struct option long_opts[] = {
	{ "domain", required_argument, NULL, 'd' },
	{ "principal", required_argument, NULL, 'p' },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "timeout", required_argument, NULL, 't' },
	{ "user", no_argument, NULL, 'U' },
	{ "map-users", required_argument, NULL, OPT_MAP_USERS },
	{ "mount", no_argument, NULL, 'm' },
	{ "pid", no_argument, NULL, 'P' },
	{ "uts", no_argument, NULL, 'u' },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "net", no_argument, NULL, 'n' },
	{ "no-sockets", no_argument, NULL, OPT_NO_SOCKETS },
	{ "afs-netns", required_argument, NULL, OPT_AFS_NETNS },
	{ "no-kcm", no_argument, NULL, OPT_NO_KCM },
	{ "krb5-conf", required_argument, NULL, OPT_KRB5_CONF },
	{ "oci-runtime", required_argument, NULL, OPT_OCI_RUNTIME },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "system", no_argument, NULL, OPT_SYSTEM },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{},
};

/* Returns 0, or the exit status to leave with (usage errors, --help). */
static int parse_args(int argc, char **argv, struct launch_opts *o)
{
	uint32_t secs = DEFAULT_TIMEOUT_S;
	int c;

	o->address = PAGD_PRIVATE_BUS;
	o->sockets = true;
	o->domains = calloc(argc, sizeof(*o->domains));
	if (!o->domains)
		return EX_OSERR;
	opterr = 0;
	/* '+': options end at the command, whose own options are its own. */
	while ((c = getopt_long(argc, argv, "+d:p:t:UmPunh", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!*optarg)
				return usage_error("empty domain name");
			o->domains[o->n_domains++] = optarg;
			break;
		case 'p':
			o->principal = optarg;
			break;
		case OPT_PROFILE:
			if (!*optarg)
				return usage_error("empty profile name");
			o->profile = optarg;
			break;
		case 't':
			if (parse_u32(optarg, &secs) || !secs ||
			    secs > UINT_MAX / 1000)
				return usage_error("bad timeout '%s'", optarg);
			break;
		case 'U':
			o->clone_flags |= CLONE_NEWUSER;
			break;
		case OPT_MAP_USERS:
			if (parse_map(optarg, o))
				return usage_error("bad map '%s' (want "
						   "INSIDE:OUTSIDE:COUNT)",
						   optarg);
			o->clone_flags |= CLONE_NEWUSER;
			break;
		case 'm':
			o->clone_flags |= CLONE_NEWNS;
			break;
		case 'P':
			o->clone_flags |= CLONE_NEWPID;
			break;
		case OPT_HOSTNAME:
			o->hostname = optarg;
			/* fall through */
		case 'u':
			o->clone_flags |= CLONE_NEWUTS;
			break;
		case 'n':
			o->clone_flags |= CLONE_NEWNET;
			break;
		case OPT_NO_SOCKETS:
			o->sockets = false;
			break;
		case OPT_AFS_NETNS:
			if (strcmp(optarg, "host") &&
			    strcmp(optarg, "container"))
				return usage_error("bad --afs-netns '%s' (want "
						   "host or container)",
						   optarg);
			o->afs_own_netns = !strcmp(optarg, "container");
			break;
		case OPT_NO_KCM:
			o->no_kcm = true;
			break;
		case OPT_KRB5_CONF:
			if (!*optarg)
				return usage_error("empty krb5.conf path");
			o->krb5_conf = optarg;
			o->clone_flags |= CLONE_NEWNS;
			break;
		case OPT_OCI_RUNTIME:
			o->oci_runtime = optarg;
			break;
		case OPT_ADDRESS:
			o->address = optarg;
			break;
		case OPT_SYSTEM:
			o->address = NULL;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case OPT_VERSION:
			printf("pag-launch %s\n", PAG_VERSION);
			return -1;
		case ':':
			return usage_error("option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	o->timeout_ms = secs * 1000;
	o->argv = argv + optind;
	if (!o->argv[0])
		return usage_error(o->oci_runtime ? "no runtime arguments"
						  : "no command");
	if (o->oci_runtime && o->krb5_conf)
		return usage_error("--krb5-conf mounts into pag-launch's own "
				   "namespace, not an OCI runtime's");
	if (o->oci_runtime && o->clone_flags)
		return usage_error("with --oci-runtime the namespaces are the "
				   "runtime's to make");
	if (o->afs_own_netns && !(o->clone_flags & CLONE_NEWNET))
		return usage_error("--afs-netns container needs --net: "
				   "without it the container's network "
				   "namespace is the host's");
	if (o->afs_own_netns && !o->principal && !o->profile)
		return usage_error("--afs-netns container needs --principal "
				   "or --profile: pagd makes the kafs tokens "
				   "of a credential binding only");
	if (!o->n_domains && !o->profile)
		o->sockets = false;
	if (o->sockets && !o->oci_runtime)
		o->clone_flags |= CLONE_NEWNS;
	return 0;
}

/*
 * The PAG and pagd's bindings; on failure nothing is left bound.  The
 * initial credentials are waited for here, unless the kafs tokens are to be
 * made in the container's network namespace, which does not exist yet
 * (then *@wait says so, for creds_in_netns()).
 */
static int bind_pag(struct launch_opts *o, struct pagd_conn *c, bool *wait)
{
	struct pag_handle *h = NULL;
	struct pag_info info;
	int r;

	r = pag_open(&h, 0);
	if (r < 0) {
		launch_err("cannot open libpag: %s", strerror(-r));
		return r;
	}
	r = pag_create(h, &info);
	if (r < 0)
		launch_err("cannot create a PAG: %s", pag_errmsg(h));
	pag_close(h);
	if (r < 0 || (!o->n_domains && !o->principal && !o->profile))
		return r;
	c->created_ns = info.created_ns;

	r = launch_pagd_open(c, o->address);
	if (r >= 0 && o->profile)
		r = launch_pagd_bind_profile(c, info.id, info.created_ns, o);
	if (r >= 0 && !o->profile && o->n_domains)
		r = launch_pagd_bind(c, info.id, info.created_ns, o);
	if (r >= 0 && !o->profile && o->principal)
		r = launch_pagd_bind_credentials(c, info.id, info.created_ns,
						 o);
	if (r >= 0 && o->sockets && (c->n_domains || o->n_domains))
		r = launch_pagd_sockets(c, o);
	*wait = r >= 0 && (c->principal || o->principal);
	if (r >= 0 && o->afs_own_netns && !*wait) {
		launch_err("--afs-netns container, but profile '%s' gives no "
			   "principal whose kafs tokens pagd would make",
			   o->profile);
		r = -EPERM;
	}
	if (*wait && !o->afs_own_netns) {
		*wait = false;
		r = launch_pagd_wait_credentials(c, o);
	}
	/*
	 * KCM where it serves the PAG's caches: a process whose seccomp
	 * profile forbids the key system calls still reaches them.
	 */
	o->kcm = r >= 0 && !o->no_kcm && !o->oci_runtime && c->sockdir &&
		 launch_kcm_usable(c->sockdir);
	if (r >= 0 && o->kcm && setenv("KRB5CCNAME", "KCM:", 1) < 0)
		r = -errno;
	else if (r >= 0 && !o->kcm && c->ccache &&
		 setenv("KRB5CCNAME", c->ccache, 1) < 0)
		r = -errno;
	if (r < 0)
		launch_pagd_undo(c);
	return r;
}

/*
 * In the container's network namespace, just made: pagd makes the kafs
 * tokens here, and the command starts once they are.
 */
static int creds_in_netns(const struct launch_opts *o, struct pagd_conn *c)
{
	int r = launch_pagd_credentials_netns(c, c->created_ns,
					      "/proc/self/ns/net");

	if (r >= 0)
		r = launch_pagd_wait_credentials(c, o);
	if (r >= 0 && !o->kcm && c->ccache &&
	    setenv("KRB5CCNAME", c->ccache, 1) < 0)
		r = -errno;
	return r;
}

int main(int argc, char **argv)
{
	struct launch_opts o = {};
	struct pagd_conn c = {};
	char *sockdir = NULL;
	bool wait = false;
	int r, rc;

	rc = parse_args(argc, argv, &o);
	if (rc)
		goto out;
	/* Only a new container gets a PAG; `runc exec`, `kill`... do not. */
	if (o.oci_runtime && !launch_oci_creates(o.argv)) {
		rc = launch_oci_exec(&o, NULL);
		goto out;
	}
	r = bind_pag(&o, &c, &wait);
	if (r >= 0 && (o.clone_flags & CLONE_NEWUSER))
		r = launch_userns(&o);
	if (r >= 0 && !o.oci_runtime)
		r = launch_unshare(&o);
	if (r >= 0 && wait)
		r = creds_in_netns(&o, &c);
	if (r < 0) {
		launch_pagd_undo(&c);
		launch_pagd_close(&c);
		rc = exit_code_of(r);
		goto out;
	}
	if (c.sockdir && !(sockdir = strdup(c.sockdir))) {
		launch_pagd_undo(&c);
		rc = EX_OSERR;
	}
	launch_pagd_close(&c);
	if (!rc)
		rc = o.oci_runtime ? launch_oci_exec(&o, sockdir)
				   : launch_run(&o, sockdir);
	free(sockdir);
out:
	free(o.domains);
	return rc < 0 ? 0 : rc;
}
