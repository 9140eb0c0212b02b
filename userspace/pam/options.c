// SPDX-License-Identifier: GPL-2.0
/* pam_pag's options (options.h). */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "options.h"

static const char options_known[] =
	"nested=new, nested=keep, ignore_missing, debug, use_first_pass, "
	"realm=REALM, principal=PATTERN, pagd_bus=ADDRESS";

/* The value of "@name=VALUE" in @arg, or NULL. */
static const char *value_of(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && arg[n] == '=' ? arg + n + 1 : NULL;
}

/* A principal pattern: %u (the user) and %% the only escapes. */
static bool pattern_ok(const char *p)
{
	for (; *p; p++)
		if (*p == '%' && p[1] != 'u' && p[1] != '%')
			return false;
		else if (*p == '%')
			p++;
	return true;
}

int pam_pag_parse_options(pam_handle_t *pamh, int argc, const char **argv,
			  struct pam_pag_options *o)
{
	const char *v;

	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "nested=new")) {
			o->keep = false;
		} else if (!strcmp(argv[i], "nested=keep")) {
			o->keep = true;
		} else if (!strcmp(argv[i], "ignore_missing")) {
			o->ignore_missing = true;
		} else if (!strcmp(argv[i], "debug")) {
			o->debug = true;
		} else if (!strcmp(argv[i], "use_first_pass")) {
			o->use_first_pass = true;
		} else if ((v = value_of(argv[i], "realm")) && *v &&
			   !strchr(v, '@')) {
			o->realm = v;
		} else if ((v = value_of(argv[i], "principal")) && *v &&
			   pattern_ok(v)) {
			o->principal = v;
		} else if ((v = value_of(argv[i], "pagd_bus")) && *v) {
			o->pagd_bus = v;
		} else {
			pam_syslog(pamh, LOG_ERR,
				   "unknown option '%s' (known: %s)", argv[i],
				   options_known);
			return -EINVAL;
		}
	}
	if (o->realm && o->principal) {
		pam_syslog(pamh, LOG_ERR,
			   "realm= and principal= cannot be given together "
			   "(principal=%%u@%s names the realm)",
			   o->realm);
		return -EINVAL;
	}
	return 0;
}
