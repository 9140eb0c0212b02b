// SPDX-License-Identifier: GPL-2.0
/*
 * Each forest's keytab as its subdomains see it (subdom.h): missing,
 * being fetched or present; fetched with the configured command
 * (keytab.c) at pagd's start and when missing; and fetched again once
 * when it stops getting tickets, to tell a re-established trust (new
 * keys) from a broken one (the same keys).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "pagd/ipa/subdom.h"

#define DEFAULT_GETKEYTAB "/usr/sbin/ipa-getkeytab"

const char *trust_keytab_word(enum keytab_state kt)
{
	static const char *const words[] = {
		[KT_MISSING] = "missing",
		[KT_FETCHING] = "fetching",
		[KT_PRESENT] = "present",
	};

	return words[kt];
}

int trust_keytab_names(struct ipa_subdomains *s, struct subdom *root,
		       const char *flat)
{
	char *realm = strdup(root->t.name);

	if (!realm)
		return -ENOMEM;
	for (char *p = realm; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	free(root->principal);
	free(root->keytab);
	root->keytab = NULL;
	if (asprintf(&root->principal, "%s$@%s", flat, realm) < 0) {
		root->principal = NULL;
		free(realm);
		return -ENOMEM;
	}
	free(realm);
	if (asprintf(&root->keytab, "%s/%s.keytab", s->parent_dir,
		     root->t.name) < 0) {
		root->keytab = NULL;
		return -ENOMEM;
	}
	return 0;
}

/*
 * The re-fetch after a failed bind is over: new keys mean a re-established
 * trust, whose domains are reset to active and retry the requests held
 * since the bind failed; otherwise those requests are answered from the
 * cache.
 */
static void rekey_done(struct ipa_subdomains *s, struct subdom *root, int err,
		       bool changed)
{
	root->rekey = false;
	if (!err && !changed)
		log_warning(
			"domain '%s': trust to %s: the keytab fetched again "
			"holds the same keys: its domains stay inactive "
			"(until the next online check or SIGUSR2)",
			s->dom, root->t.name);
	else if (!err)
		log_notice("domain '%s': trust to %s was re-established: the "
			   "keytab has new keys; its domains are active again",
			   s->dom, root->t.name);
	for (struct subdom *sd = s->subs; sd; sd = sd->next) {
		if (!sd->ad || subdom_root(s, sd) != root)
			continue;
		if (!err && changed)
			ad_dom_set_online(sd->ad, true);
		ad_dom_release(sd->ad, !err && changed);
	}
}

static void fetch_done(void *ud, int err, bool changed, const char *why)
{
	struct subdom *sd = ud;
	struct ipa_subdomains *s = sd->s;

	sd->fetch = NULL;
	sd->fetched = true;
	if (!err) {
		sd->kt = KT_PRESENT;
		log_info("domain '%s': trust to %s: keytab of %s in %s; its "
			 "domains are active",
			 s->dom, sd->t.name, sd->principal, sd->keytab);
		if (sd->rekey)
			rekey_done(s, sd, 0, changed);
		return;
	}
	log_error("domain '%s': trust to %s: cannot fetch the keytab of %s: "
		  "%s",
		  s->dom, sd->t.name, sd->principal, why);
	if (access(sd->keytab, F_OK) == 0) {
		sd->kt = KT_PRESENT;
		log_warning("domain '%s': trust to %s: keeping the keytab "
			    "fetched before (%s)",
			    s->dom, sd->t.name, sd->keytab);
	} else {
		sd->kt = KT_MISSING;
		log_warning("domain '%s': trust to %s: no keytab; its domains "
			    "stay inactive",
			    s->dom, sd->t.name);
	}
	if (sd->rekey)
		rekey_done(s, sd, err, false);
}

void trust_keytab_fetch(struct ipa_subdomains *s, struct subdom *root)
{
	const struct pagd_ldap_conf *cf = &s->dc->ldap;
	struct ipa_keytab_cmd cmd = {
		.program = cf->ipa_getkeytab_program ? cf->ipa_getkeytab_program
						     : DEFAULT_GETKEYTAB,
		.server = s->server,
		.principal = root->principal,
		.timeout = cf->ipa_getkeytab_timeout,
	};
	char *why = NULL;
	int r;

	if (root->fetch)
		return;
	r = ipa_keytab_dir(s->keytab_dir, &why);
	if (r == 0) {
		free(why);
		r = ipa_keytab_dir(s->parent_dir, &why);
	}
	if (r < 0) {
		log_error("domain '%s': trust to %s: %s", s->dom, root->t.name,
			  why ? why : strerror(-r));
		free(why);
		root->kt = KT_MISSING;
		return;
	}
	log_debug("domain '%s': trust to %s: fetching the keytab of %s", s->dom,
		  root->t.name, root->principal);
	r = ipa_keytab_fetch_start(s->event, &cmd, root->keytab, fetch_done,
				   root, &root->fetch);
	if (r < 0) {
		log_errno(LOG_ERR, r,
			  "domain '%s': trust to %s: cannot run %s: %m", s->dom,
			  root->t.name, cmd.program);
		root->kt = access(root->keytab, F_OK) == 0 ? KT_PRESENT
							   : KT_MISSING;
		return;
	}
	root->kt = KT_FETCHING;
}

/*
 * The bind with the forest's keytab failed and the keytab gets no ticket:
 * once per online check, discover the trust again and fetch its keytab;
 * fetch_done() compares the keys.  True while that check is on: the
 * requests that met the failure wait for it.
 */
bool trust_keytab_failed(void *ud, const char *why)
{
	struct subdom *sd = ud;
	struct ipa_subdomains *s = sd->s;
	struct subdom *root = subdom_root(s, sd);

	if (!root)
		return false;
	if (root->rekey)
		return true;
	if (root->fetch)
		return false;
	if (root->rechecked) {
		log_info("domain '%s': trust to %s: the keytab still gets no "
			 "ticket; it was fetched again since the last online "
			 "check",
			 s->dom, root->t.name);
		return false;
	}
	root->rechecked = true;
	root->rekey = true;
	log_warning("domain '%s': trust to %s: the keytab gets no ticket (%s): "
		    "discovering the trust again and fetching its keytab",
		    s->dom, root->t.name, why);
	subdom_discover(s);
	trust_keytab_fetch(s, root);
	if (!root->fetch)
		root->rekey = false;
	return root->rekey;
}

void trust_keytab_bound(void *ud)
{
	struct subdom *sd = ud;
	struct subdom *root = subdom_root(sd->s, sd);

	if (root)
		root->rechecked = false;
}
