// SPDX-License-Identifier: GPL-2.0
/*
 * pagd: the host helper.  Loads the configuration and the domains, opens
 * the state, serves the main NSS socket (scoped by the caller's PAG), the
 * per-subset socket directories and the management API, then runs the event
 * loop.  SIGTERM/SIGINT stop it cleanly; SIGHUP reloads the configuration
 * and domains without dropping a client (a bad new configuration is
 * reported and the old one kept).  Under systemd it is Type=notify with a
 * watchdog, and never dumpable.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "common/exitcode.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "pagd/ldap/provider.h"
#include "pagd/creds/creds.h"
#include "pagd/kcm/kcm.h"
#include "pagd/pagd.h"
#include "pag_version.h"

void pagd_free_domains(struct domain **d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		domain_free(d[i]);
	free(d);
}

int pagd_load_domains(struct pagd *p, const struct pagd_config *cfg,
		      struct domain ***out, size_t *n, char **msg)
{
	struct domain **d;
	int r;

	*msg = NULL;
	d = calloc(cfg->n_domains ? cfg->n_domains : 1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_domains; i++) {
		if (cfg->domains[i].provider == PROVIDER_LDAP)
			r = pagd_ldap_domain_new(p->event, p->cache,
						 &cfg->domains[i],
						 cfg->state_dir, &d[i]);
		else
			r = domain_load(&cfg->domains[i], &d[i], msg);
		if (r < 0) {
			if (!*msg &&
			    asprintf(msg, "cannot load domain '%s': %s",
				     cfg->domains[i].name, strerror(-r)) < 0)
				*msg = NULL;
			pagd_free_domains(d, i);
			return r;
		}
		if (d[i]->ops)
			log_debug("domain '%s' (tenant '%s'): provider %s",
				  d[i]->name, d[i]->tenant, d[i]->ops->name);
		else
			log_debug("domain '%s' (tenant '%s'): %zu users, %zu "
				  "groups",
				  d[i]->name, d[i]->tenant, d[i]->n_users,
				  d[i]->n_groups);
	}
	*out = d;
	*n = cfg->n_domains;
	return 0;
}

/*
 * The default is what every main-socket client without a bound PAG gets:
 * a process in no PAG, in an unbound one, and one that left its PAG (any
 * user may).  On a host shared by tenants that shows them to every tenant.
 */
static int default_key(const struct pagd_config *cfg, char **key)
{
	int r = view_key((const char *const *)cfg->default_domains,
			 strv_len(cfg->default_domains), key);

	if (r == 0 && **key)
		log_warning("default_domains = %s: every process in no bound "
			    "PAG, also one that left its PAG, sees these "
			    "domains on the main socket; keep it empty on "
			    "hosts shared by tenants",
			    *key);
	return r;
}

int pagd_reload(struct pagd *p, char **msg)
{
	struct pagd_config *cfg;
	struct domain **d;
	char *key;
	size_t n;
	int r;

	r = config_load(p->cfg->path, &cfg, msg);
	if (r < 0)
		return r;
	if (strcmp(cfg->run_dir, p->cfg->run_dir) ||
	    strcmp(cfg->state_dir, p->cfg->state_dir))
		log_warning(
			"reload: run_dir and state_dir change only on restart");
	r = pagd_load_domains(p, cfg, &d, &n, msg);
	if (r == 0)
		r = default_key(cfg, &key);
	if (r < 0) {
		config_free(cfg);
		return r;
	}
	/* keep what a running daemon cannot move */
	free(cfg->run_dir);
	free(cfg->state_dir);
	cfg->run_dir = strdup(p->cfg->run_dir);
	cfg->state_dir = strdup(p->cfg->state_dir);

	scope_invalidate_views(p);
	pagd_free_domains(p->domains, p->n_domains);
	config_free(p->cfg);
	free(p->default_key);
	p->cfg = cfg;
	p->domains = d;
	p->n_domains = n;
	p->default_key = key;
	log_set_max_level(cfg->log_level);
	/* workers read krb5.conf once: new ones read it again */
	cred_workers_recycle();
	/* a principal taken out of every profile loses its binding */
	creds_apply_profiles(p);
	/* the views' data may have changed: no client may keep the old */
	responder_reset_memcaches(p);
	log_info("reloaded %s: %zu domains", cfg->path, n);
	return 0;
}

static int on_term(sd_event_source *s, const struct signalfd_siginfo *si,
		   void *ud)
{
	struct pagd *p = ud;

	log_info("signal %u: shutting down", si->ssi_signo);
	sd_notify(0, "STOPPING=1");
	return sd_event_exit(p->event, 0);
}

static int on_hup(sd_event_source *s, const struct signalfd_siginfo *si,
		  void *ud)
{
	struct pagd *p = ud;
	char *msg = NULL;
	int r;

	sd_notify(0, "RELOADING=1");
	r = pagd_reload(p, &msg);
	if (r < 0)
		log_error("reload: %s; keeping the running configuration",
			  msg ? msg : strerror(-r));
	free(msg);
	sd_notify(0, "READY=1");
	return 0;
}

void pagd_set_online(struct pagd *p, bool online)
{
	for (size_t i = 0; i < p->n_domains; i++)
		if (p->domains[i]->ops)
			p->domains[i]->ops->set_online(p->domains[i], online);
}

/* SIGUSR1: LDAP domains offline now; SIGUSR2: back online now. */
static int on_usr(sd_event_source *s, const struct signalfd_siginfo *si,
		  void *ud)
{
	struct pagd *p = ud;
	bool online = si->ssi_signo == SIGUSR2;

	log_info("signal %u: %s", si->ssi_signo,
		 online ? "trying the servers of offline domains"
			: "taking LDAP domains offline");
	pagd_set_online(p, online);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: pagd [OPTIONS]\n"
		"  -c, --config FILE   configuration (default %s)\n"
		"  -d, --debug         log at debug level\n"
		"  -t, --check-config  check the configuration and domains, "
		"then exit\n"
		"  -h, --help          this text\n"
		"  -V, --version       print the version\n",
		PAGD_DEFAULT_CONFIG);
}

static int setup(struct pagd *p)
{
	char *path = NULL, *msg = NULL;
	int r;

	if (asprintf(&path, "%s/cache", p->cfg->state_dir) < 0)
		return -ENOMEM;
	r = mkdir_p(p->cfg->state_dir, 0700);
	if (r < 0)
		log_errno(LOG_ERR, r, "cannot create %s: %m",
			  p->cfg->state_dir);
	else
		r = idcache_open(path, &p->cache);
	free(path);
	path = NULL;
	if (r < 0)
		return r;
	r = pagd_load_domains(p, p->cfg, &p->domains, &p->n_domains, &msg);
	if (r < 0) {
		log_error("%s", msg ? msg : strerror(-r));
		free(msg);
		return r;
	}
	r = default_key(p->cfg, &p->default_key);
	if (r < 0)
		return r;
	r = state_open(p->cfg->state_dir, &p->state);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/pipes", p->cfg->run_dir) < 0)
		return -ENOMEM;
	r = mkdir_p(path, 0755);
	if (r < 0) {
		log_errno(LOG_ERR, r, "cannot create %s: %m", path);
		free(path);
		return r;
	}
	free(path);
	if (asprintf(&path, "%s/pipes/nss", p->cfg->run_dir) < 0)
		return -ENOMEM;
	r = responder_listen(p, path, NULL);
	free(path);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/pipes/kcm", p->cfg->run_dir) < 0)
		return -ENOMEM;
	r = kcm_listen(p, path);
	free(path);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/pipes", p->cfg->run_dir) < 0)
		return -ENOMEM;
	r = pam_listen_in(p, path, NULL);
	free(path);
	if (r < 0)
		return r;
	r = sockdir_restore(p);
	if (r < 0)
		return r;
	return bus_setup(p);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "debug", no_argument, NULL, 'd' },
		{ "check-config", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	const char *config = PAGD_DEFAULT_CONFIG;
	struct pagd p = { .bus_fd = -1 };
	bool debug = false, check = false;
	char *msg = NULL;
	sigset_t ss;
	int c, r;

	log_init("pagd");
	/*
	 * pagd and its workers hold tickets, keytab keys and LDAP passwords:
	 * no core dump, no ptrace or /proc/PID/mem by anyone but root with
	 * CAP_SYS_PTRACE.  Workers are forked, so they inherit it.
	 */
	prctl(PR_SET_DUMPABLE, 0);
	/* libnss_sss in this process must never ask pagd itself */
	setenv("_SSS_LOOPS", "NO", 1);

	while ((c = getopt_long(argc, argv, "c:dthV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'd':
			debug = true;
			break;
		case 't':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("pagd %s\n", PAG_VERSION);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument '%s'", argv[optind]);
		return EX_USAGE;
	}

	r = config_load(config, &p.cfg, &msg);
	if (r < 0) {
		log_error("%s", msg ? msg : strerror(-r));
		free(msg);
		return EX_CONFIG;
	}
	log_set_max_level(debug ? LOG_DEBUG : p.cfg->log_level);
	if (check) {
		char *key = NULL;

		r = pagd_load_domains(&p, p.cfg, &p.domains, &p.n_domains,
				      &msg);
		if (r < 0)
			log_error("%s", msg ? msg : strerror(-r));
		else
			r = default_key(p.cfg, &key);
		free(msg);
		free(key);
		if (r == 0)
			printf("%s: OK, %zu domains\n", config, p.n_domains);
		pagd_free_domains(p.domains, p.n_domains);
		config_free(p.cfg);
		return r < 0 ? EX_CONFIG : EX_OK;
	}

	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigaddset(&ss, SIGUSR1);
	sigaddset(&ss, SIGUSR2);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);

	/*
	 * Not sd_event_default(): libsystemd checks the thread of the default
	 * loop with a gettid() system call on every iteration, one more
	 * system call per NSS request.
	 */
	r = sd_event_new(&p.event);
	if (r >= 0)
		r = sd_event_add_signal(p.event, NULL, SIGTERM, on_term, &p);
	if (r >= 0)
		r = sd_event_add_signal(p.event, NULL, SIGINT, on_term, &p);
	if (r >= 0)
		r = sd_event_add_signal(p.event, NULL, SIGHUP, on_hup, &p);
	if (r >= 0)
		r = sd_event_add_signal(p.event, NULL, SIGUSR1, on_usr, &p);
	if (r >= 0)
		r = sd_event_add_signal(p.event, NULL, SIGUSR2, on_usr, &p);
	/* WatchdogSec=: pings from the loop, so a wedged loop gets restarted */
	if (r >= 0)
		r = sd_event_set_watchdog(p.event, true);
	if (r < 0) {
		log_errno(LOG_ERR, r, "event loop: %m");
		goto out;
	}
	r = setup(&p);
	if (r >= 0)
		r = pagd_peer_init();
	if (r >= 0)
		r = pagd_watch_start(&p);
	if (r >= 0)
		r = creds_start(&p);
	if (r < 0)
		goto out;

	log_info("ready: %zu domains, main socket %s/pipes/nss", p.n_domains,
		 p.cfg->run_dir);
	sd_notify(0, "READY=1\nSTATUS=Serving identity domains");
	r = sd_event_loop(p.event);
	if (r < 0)
		log_errno(LOG_ERR, r, "event loop: %m");
out:
	creds_stop(&p);
	pagd_watch_stop();
	pagd_peer_exit();
	bus_close(&p);
	responder_close_all(&p);
	kcm_close_all(&p);
	scope_invalidate_views(&p);
	state_close(p.state);
	pagd_free_domains(p.domains, p.n_domains);
	idcache_close(p.cache);
	free(p.default_key);
	config_free(p.cfg);
	sd_event_unref(p.event);
	return r < 0 ? EX_OSERR : EX_OK;
}
