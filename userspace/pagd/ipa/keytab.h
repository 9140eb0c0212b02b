/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-trust keytabs: the directory only pagd reads, and fetching a keytab
 * by running the configured command (ipa-getkeytab) into a temporary file
 * that is checked, then renamed into place.
 */
#ifndef PAGD_IPA_KEYTAB_H
#define PAGD_IPA_KEYTAB_H

#include <stdbool.h>
#include <systemd/sd-event.h>

/*
 * ipa_keytab_dir() - make sure @path is a directory only pagd can read:
 * created mode 0700 when missing; refused when it is not a directory, is
 * owned by another user or is open to group or others.
 * Return: 0, or a negative errno with *@why (malloc'ed) saying why.
 */
int ipa_keytab_dir(const char *path, char **why);

struct ipa_keytab_fetch;

/*
 * @err: 0 when the keytab is in place, @changed saying whether its keys
 * differ from those it replaced (kvno aside: it is usually 1); else @why
 * says what failed.
 */
typedef void (*ipa_keytab_done_fn)(void *ud, int err, bool changed,
				   const char *why);

struct ipa_keytab_cmd {
	const char *program; /* run as PROGRAM -r -s SERVER -p PRINC -k FILE */
	const char *server;
	const char *principal;
	unsigned int timeout; /* seconds, then the command is killed */
};

/*
 * ipa_keytab_fetch_start() - run @cmd into a temporary file beside @path,
 * then check it (a regular file, owned by pagd, mode 0600, holding keys of
 * the principal) and rename it to @path.  @path is left as it was when
 * anything fails.  @done is called once, from the event loop.
 */
int ipa_keytab_fetch_start(sd_event *e, const struct ipa_keytab_cmd *cmd,
			   const char *path, ipa_keytab_done_fn done, void *ud,
			   struct ipa_keytab_fetch **out);
/* Kills the command and frees @f, without calling done. */
void ipa_keytab_fetch_cancel(struct ipa_keytab_fetch *f);

#endif /* PAGD_IPA_KEYTAB_H */
