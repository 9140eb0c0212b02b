// SPDX-License-Identifier: GPL-2.0
/*
 * The keyring backend: PAGs without pag.ko.
 *
 * A PAG is then an anonymous session keyring ("_ses"), what
 * KEYCTL_JOIN_SESSION_KEYRING makes for a NULL name.  It is inherited
 * exactly like a pag.ko PAG, and its permissions give the user no Search
 * right, so even its owner cannot join it by name (joining "_ses" makes a
 * new keyring).  What it lacks is listed by pag_limits(): no registry, no
 * events, no admin operations, no leave, and nothing that tells it apart
 * from the anonymous session keyrings pam_keyinit and `keyctl new_session`
 * make.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <keyutils.h>

#include "internal.h"

/* What KEYCTL_JOIN_SESSION_KEYRING names an anonymous session keyring. */
#define ANON_SESSION_DESC "_ses"

/**
 * pag_keyring_create() - join a new anonymous session keyring
 * @h: the handle
 * @info: gets the id and owner
 *
 * Return: the new PAG's id, or a negative errno.
 */
int pag_keyring_create(struct pag_handle *h, struct pag_info *info)
{
	key_serial_t id;

	id = keyctl_join_session_keyring(NULL);
	if (id < 0)
		return pag_seterr(h, -errno,
				  "cannot join a new session keyring: %m");
	memset(info, 0, sizeof(*info));
	info->id = id;
	info->owner_uid = getuid();
	info->present =
		PAG_INFO_HAS(PAG_A_PAG_ID) | PAG_INFO_HAS(PAG_A_PAG_OWNER_UID);
	return id;
}

/* Split "type;uid;gid;perm;description" (what KEYCTL_DESCRIBE returns). */
static int describe(key_serial_t id, uid_t *uid, char **desc)
{
	char *buf, *p;
	int i;

	if (keyctl_describe_alloc(id, &buf) < 0)
		return -errno;
	p = buf;
	for (i = 0; i < 4 && p; i++) {
		p = strchr(p, ';');
		if (p)
			p++;
		if (i == 0 && p)
			*uid = (uid_t)strtoul(p, NULL, 10);
	}
	if (!p) {
		free(buf);
		return -EBADMSG;
	}
	*desc = strdup(p);
	free(buf);
	return *desc ? 0 : -ENOMEM;
}

/**
 * pag_keyring_current() - the caller's PAG, as far as keyrings can tell
 * @h: the handle
 * @info: gets the id and owner
 *
 * Any anonymous session keyring counts: nothing else can be known without
 * the module.  A task with no session keyring of its own (it then uses its
 * user's "_uid_ses.<uid>") or with a named one is in no PAG.
 *
 * Return: the PAG id, -ENOENT when the caller is in no PAG, or another
 * negative errno.
 */
int pag_keyring_current(struct pag_handle *h, struct pag_info *info)
{
	key_serial_t id;
	uid_t uid = 0;
	char *desc = NULL;
	int err;

	id = keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
	if (id < 0) {
		err = -errno;
		if (err == -ENOKEY)
			return pag_seterr(h, -ENOENT, "no session keyring");
		return pag_seterr(h, err,
				  "cannot find the session keyring: %m");
	}
	err = describe(id, &uid, &desc);
	if (err < 0)
		return pag_seterr(h, err, "cannot describe session keyring %d",
				  id);
	if (strcmp(desc, ANON_SESSION_DESC)) {
		pag_seterr(h, -ENOENT, "session keyring %d (\"%s\") is no PAG",
			   id, desc);
		free(desc);
		return -ENOENT;
	}
	free(desc);
	memset(info, 0, sizeof(*info));
	info->id = id;
	info->owner_uid = uid;
	info->present =
		PAG_INFO_HAS(PAG_A_PAG_ID) | PAG_INFO_HAS(PAG_A_PAG_OWNER_UID);
	return id;
}
