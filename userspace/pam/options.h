/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pam_pag's options, one set for its auth and session lines alike, so a
 * stack may pass the same words to both (pam_pag(8)).
 */
#ifndef PAM_PAG_OPTIONS_H
#define PAM_PAG_OPTIONS_H

#include <stdbool.h>

#include <security/pam_modules.h>

struct pam_pag_options {
	bool keep;	     /* nested=keep: a caller in a PAG stays in it */
	bool ignore_missing; /* no pag.ko: PAM_IGNORE */
	bool debug;
	bool use_first_pass;   /* auth: the earlier module's password only */
	const char *realm;     /* auth: realm=, the user's principal's realm */
	const char *principal; /* auth: principal=, a pattern (%u: the user) */
	const char *pagd_bus;  /* session: pagd_bus=, pagd's D-Bus address */
};

/*
 * pam_pag_parse_options() - read @argv into @o; an unknown or malformed
 * option is logged with the options known.
 * Return: 0, or -EINVAL.
 */
int pam_pag_parse_options(pam_handle_t *pamh, int argc, const char **argv,
			  struct pam_pag_options *o);

#endif /* PAM_PAG_OPTIONS_H */
