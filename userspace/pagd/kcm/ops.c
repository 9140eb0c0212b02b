// SPDX-License-Identifier: GPL-2.0
/*
 * The KCM operations, run by a worker inside the caller's PAG.
 *
 * KCM's caches are the caches of one MIT krb5 KEYRING collection in the
 * PAG's session keyring, "KEYRING:session:kcm" (keyring "_krb_kcm"): the
 * KCM name of a cache is its subsidiary name, so what a client stores
 * through KCM is what KEYRING:session:kcm:NAME shows, and the other way
 * round.  libkrb5's KEYRING cache type does the storing, so the layout is
 * MIT's own.
 *
 * pagd's own cache (KEYRING:session:pagd, which the credential workers
 * renew) is shown under the name "pagd", read-only: a client may add
 * service tickets to it (kvno with it as the default cache) but never
 * initialise, destroy, or store a TGT or configuration entry in it.  When
 * the collection's primary pointer names no initialised cache, "pagd" is
 * the default cache; only a client's switch moves the pointer, and
 * switching to "pagd" removes it.
 *
 * Reads never create keys: a PAG in which nobody used KCM has no "_krb_kcm"
 * keyring, and gets none from klist.
 */
#include <errno.h>
#include <keyutils.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/keyperm.h"
#include "pagd/creds/creds.h"
#include "pagd/kcm/kcm.h"

#define PRIMARY_KEY	 "krb_ccache:primary"
#define PRINC_KEY	 "__krb5_princ__"
#define TIME_OFFSETS_KEY "__krb5_time_offsets__"
/*
 * The most a "user" key holds (the kernel's limit).  libkrb5's KEYRING
 * type stores a credential as one such key, in the ccache file format 4,
 * which is KCM's encoding of a credential byte for byte.
 */
#define USER_KEY_MAX 32767

static key_serial_t find_in(key_serial_t ring, const char *type,
			    const char *desc)
{
	key_serial_t k = keyctl_search(ring, type, desc, 0);

	return k < 0 ? -1 : k;
}

static key_serial_t collection(const char *name)
{
	char desc[64];

	snprintf(desc, sizeof(desc), "_krb_%s", name);
	return find_in(KEY_SPEC_SESSION_KEYRING, "keyring", desc);
}

/* The primary name of collection @coll, into @buf; false when none. */
static bool read_primary(key_serial_t coll, char *buf, size_t size,
			 key_serial_t *key)
{
	struct kcm_in in;
	uint8_t *data = NULL;
	uint32_t len;
	long n;

	*key = find_in(coll, "user", PRIMARY_KEY);
	if (*key < 0)
		return false;
	n = keyctl_read_alloc(*key, (void **)&data);
	if (n < 8) {
		free(data);
		return false;
	}
	in = (struct kcm_in){ .p = data, .len = (size_t)n };
	if (kcm_get_u32(&in) != 1 || (len = kcm_get_u32(&in)) >= size ||
	    len != in.len) {
		free(data);
		return false;
	}
	memcpy(buf, in.p, len);
	buf[len] = '\0';
	free(data);
	return true;
}

/* The cache keyring of KCM name @name, or -1. */
static key_serial_t cache_keyring(const char *name)
{
	char primary[KCM_MAX_NAME + 1];
	key_serial_t coll, key;

	if (!strcmp(name, PAGD_KCM_PAGD_CACHE)) {
		coll = collection(PAGD_KCM_PAGD_CACHE);
		if (coll < 0 ||
		    !read_primary(coll, primary, sizeof(primary), &key))
			return -1;
		return find_in(coll, "keyring", primary);
	}
	coll = collection(PAGD_KCM_COLLECTION);
	return coll < 0 ? -1 : find_in(coll, "keyring", name);
}

/* Whether @name is an initialised cache (it has a principal). */
static bool initialised(const char *name)
{
	key_serial_t ring = cache_keyring(name);

	return ring >= 0 && find_in(ring, "user", PRINC_KEY) >= 0;
}

/*
 * Resolves @name.  Reading a cache that does not exist answers
 * KRB5_FCC_NOFILE without creating anything; writing pagd's cache EACCES.
 */
static krb5_error_code open_cache(krb5_context ctx, const char *name,
				  bool write, krb5_ccache *cc)
{
	char res[128];

	*cc = NULL;
	if (!name)
		return KRB5_CC_FORMAT;
	if (!strcmp(name, PAGD_KCM_PAGD_CACHE)) {
		if (write)
			return EACCES;
		if (collection(PAGD_KCM_PAGD_CACHE) < 0)
			return KRB5_FCC_NOFILE;
		return krb5_cc_resolve(ctx, PAGD_KRB5_WORKER_CCACHE, cc);
	}
	if (!write && cache_keyring(name) < 0)
		return KRB5_FCC_NOFILE;
	snprintf(res, sizeof(res), "KEYRING:session:%s:%s", PAGD_KCM_COLLECTION,
		 name);
	return krb5_cc_resolve(ctx, res, cc);
}

/* The names of the initialised caches KCM shows; NULL-terminated. */
static int list_caches(char ***out)
{
	key_serial_t coll = collection(PAGD_KCM_COLLECTION), *keys = NULL;
	size_t n = 0;
	long len = 0;
	char **v;

	if (coll >= 0) {
		len = keyctl_read_alloc(coll, (void **)&keys);
		if (len < 0)
			len = 0;
	}
	v = calloc((size_t)len / sizeof(*keys) + 2, sizeof(*v));
	if (!v) {
		free(keys);
		return -ENOMEM;
	}
	if (initialised(PAGD_KCM_PAGD_CACHE))
		v[n++] = strdup(PAGD_KCM_PAGD_CACHE);
	for (long i = 0; i < len / (long)sizeof(*keys); i++) {
		char *desc = NULL, *name;

		if (keyctl_describe_alloc(keys[i], &desc) < 0)
			continue;
		name = strrchr(desc, ';');
		if (!strncmp(desc, "keyring;", 8) && name &&
		    strlen(name + 1) <= KCM_MAX_NAME &&
		    strcmp(name + 1, PAGD_KCM_PAGD_CACHE) &&
		    find_in(keys[i], "user", PRINC_KEY) >= 0)
			v[n++] = strdup(name + 1);
		free(desc);
	}
	free(keys);
	*out = v;
	return 0;
}

static void free_list(char **v)
{
	for (char **s = v; s && *s; s++)
		free(*s);
	free(v);
}

static krb5_error_code op_get_default(struct kcm_out *out)
{
	char primary[KCM_MAX_NAME + 1];
	key_serial_t coll = collection(PAGD_KCM_COLLECTION), key;
	bool have =
		coll >= 0 && read_primary(coll, primary, sizeof(primary), &key);

	if (have && initialised(primary))
		kcm_put_name(out, primary);
	else if (initialised(PAGD_KCM_PAGD_CACHE))
		kcm_put_name(out, PAGD_KCM_PAGD_CACHE);
	else
		kcm_put_name(out, have ? primary : PAGD_KCM_COLLECTION);
	return 0;
}

static krb5_error_code op_set_default(krb5_context ctx, const char *name)
{
	char primary[KCM_MAX_NAME + 1];
	key_serial_t coll, key;
	krb5_ccache cc;
	krb5_error_code code;

	if (name && !strcmp(name, PAGD_KCM_PAGD_CACHE)) {
		/* no pointer: the default is pagd's cache */
		coll = collection(PAGD_KCM_COLLECTION);
		if (coll >= 0 &&
		    read_primary(coll, primary, sizeof(primary), &key) &&
		    keyctl_unlink(key, coll) < 0)
			return errno;
		return 0;
	}
	code = open_cache(ctx, name, true, &cc);
	if (code)
		return code;
	code = krb5_cc_switch(ctx, cc);
	krb5_cc_close(ctx, cc);
	return code;
}

static krb5_error_code op_gen_new(krb5_context ctx, struct kcm_out *out)
{
	krb5_ccache cc;
	krb5_error_code code = krb5_cc_new_unique(ctx, "KEYRING", NULL, &cc);
	const char *name;

	if (code)
		return code;
	name = strrchr(krb5_cc_get_name(ctx, cc), ':');
	if (name && strlen(name + 1) <= KCM_MAX_NAME)
		kcm_put_name(out, name + 1);
	else
		code = KRB5_CC_BADNAME;
	krb5_cc_close(ctx, cc);
	return code;
}

static krb5_error_code op_initialize(krb5_context ctx, const char *name,
				     struct kcm_in *args)
{
	char primary[KCM_MAX_NAME + 1];
	krb5_principal princ = NULL;
	key_serial_t coll, key;
	krb5_ccache cc = NULL;
	krb5_error_code code = kcm_get_princ(args, &princ);

	if (!code)
		code = open_cache(ctx, name, true, &cc);
	if (!code)
		code = krb5_cc_initialize(ctx, cc, princ);
	/* The first cache a client makes becomes the primary one. */
	coll = collection(PAGD_KCM_COLLECTION);
	if (!code && coll >= 0 &&
	    !read_primary(coll, primary, sizeof(primary), &key))
		code = krb5_cc_switch(ctx, cc);
	if (cc)
		krb5_cc_close(ctx, cc);
	krb5_free_principal(ctx, princ);
	return code;
}

static krb5_error_code op_destroy(krb5_context ctx, const char *name)
{
	krb5_ccache cc;
	krb5_error_code code;

	if (name && !strcmp(name, PAGD_KCM_PAGD_CACHE))
		return EACCES;
	code = open_cache(ctx, name, false, &cc);
	return code ? code : krb5_cc_destroy(ctx, cc);
}

/* What a client may add to pagd's cache: service tickets only. */
static bool pagd_cache_takes(krb5_context ctx, const krb5_creds *c)
{
	const krb5_data *realm = krb5_princ_realm(ctx, c->server);

	if (krb5_is_config_principal(ctx, c->server))
		return false;
	if (c->server->length >= 1 && c->server->data[0].length == 6 &&
	    !memcmp(c->server->data[0].data, "krbtgt", 6))
		return false;
	return realm->length > 0;
}

static krb5_error_code op_store(krb5_context ctx, const char *name,
				struct kcm_in *args)
{
	bool pagd = name && !strcmp(name, PAGD_KCM_PAGD_CACHE);
	const uint8_t *start = args->p;
	krb5_ccache cc = NULL;
	krb5_error_code code;
	krb5_creds cred;

	if (!name)
		return KRB5_CC_FORMAT;
	code = kcm_get_cred(args, &cred);
	if (code)
		return code;
	/* no key could hold it: said before anything reaches a keyring */
	if ((size_t)(args->p - start) > USER_KEY_MAX)
		code = EMSGSIZE;
	else if (pagd && !pagd_cache_takes(ctx, &cred))
		code = EACCES;
	if (!code)
		code = open_cache(ctx, name, false, &cc);
	if (!code)
		code = krb5_cc_store_cred(ctx, cc, &cred);
	if (cc)
		krb5_cc_close(ctx, cc);
	krb5_free_cred_contents(ctx, &cred);
	return code;
}

static krb5_error_code op_get_principal(krb5_context ctx, const char *name,
					struct kcm_out *out)
{
	krb5_principal princ;
	krb5_ccache cc;
	krb5_error_code code = open_cache(ctx, name, false, &cc);

	if (code)
		return code;
	code = krb5_cc_get_principal(ctx, cc, &princ);
	krb5_cc_close(ctx, cc);
	if (code)
		return code;
	kcm_put_princ(out, princ);
	krb5_free_principal(ctx, princ);
	return 0;
}

enum cred_walk {
	WALK_UUIDS,
	WALK_BY_UUID,
	WALK_LIST
};

/*
 * Walks the credentials of @name: their UUIDs, the one with @uuid, or all
 * of them (a count, then each with its length).
 */
static krb5_error_code walk_creds(krb5_context ctx, const char *name,
				  enum cred_walk what, const uint8_t *uuid,
				  struct kcm_out *out)
{
	struct kcm_out list = { 0 };
	uint32_t count = 0;
	krb5_cc_cursor cur;
	krb5_ccache cc;
	krb5_creds cred;
	bool found = false;
	krb5_error_code code = open_cache(ctx, name, false, &cc);

	if (code)
		return code;
	code = krb5_cc_start_seq_get(ctx, cc, &cur);
	if (code) {
		krb5_cc_close(ctx, cc);
		return code;
	}
	while (!found && !krb5_cc_next_cred(ctx, cc, &cur, &cred)) {
		struct kcm_out one = { 0 };
		uint8_t id[KCM_UUID_LEN];

		kcm_put_cred(&one, &cred);
		krb5_free_cred_contents(ctx, &cred);
		if (one.oom) {
			kcm_out_free(&one);
			code = ENOMEM;
			break;
		}
		kcm_uuid(one.data, one.len, id);
		if (what == WALK_UUIDS) {
			kcm_put_bytes(out, id, sizeof(id));
		} else if (what == WALK_BY_UUID) {
			if (!memcmp(id, uuid, sizeof(id))) {
				kcm_put_bytes(out, one.data, one.len);
				found = true;
			}
		} else {
			kcm_put_u32(&list, (uint32_t)one.len);
			kcm_put_bytes(&list, one.data, one.len);
			count++;
		}
		/* no copy of a ticket outlives the request */
		explicit_bzero(one.data, one.len);
		kcm_out_free(&one);
	}
	krb5_cc_end_seq_get(ctx, cc, &cur);
	krb5_cc_close(ctx, cc);
	if (!code && what == WALK_BY_UUID && !found)
		code = KRB5_CC_END;
	if (!code && what == WALK_LIST) {
		/* too long for one reply: the client asks one by one */
		if (list.len + 8 > KCM_MAX_REPLY) {
			code = KRB5_CC_NOSUPP;
		} else {
			kcm_put_u32(out, count);
			kcm_put_bytes(out, list.data, list.len);
		}
	}
	if (list.data)
		explicit_bzero(list.data, list.len);
	kcm_out_free(&list);
	return code;
}

/* Heimdal's KRB5_TC flags as MIT's. */
static krb5_flags mit_tcflags(uint32_t heim)
{
	static const struct {
		uint32_t heim;
		krb5_flags mit;
	} map[] = {
		{ KCM_TC_MATCH_TIMES, KRB5_TC_MATCH_TIMES },
		{ KCM_TC_MATCH_IS_SKEY, KRB5_TC_MATCH_IS_SKEY },
		{ KCM_TC_MATCH_FLAGS, KRB5_TC_MATCH_FLAGS },
		{ KCM_TC_MATCH_TIMES_EXACT, KRB5_TC_MATCH_TIMES_EXACT },
		{ KCM_TC_MATCH_FLAGS_EXACT, KRB5_TC_MATCH_FLAGS_EXACT },
		{ KCM_TC_MATCH_AUTHDATA, KRB5_TC_MATCH_AUTHDATA },
		{ KCM_TC_MATCH_SRV_NAMEONLY, KRB5_TC_MATCH_SRV_NAMEONLY },
		{ KCM_TC_MATCH_2ND_TKT, KRB5_TC_MATCH_2ND_TKT },
		{ KCM_TC_MATCH_KEYTYPE, KRB5_TC_MATCH_KTYPE },
	};
	krb5_flags mit = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (heim & map[i].heim)
			mit |= map[i].mit;
	return mit;
}

/*
 * RETRIEVE (the credential matching a template, one round trip where
 * walking the list takes the whole list) and REMOVE_CRED.  A template
 * without both principals is answered KRB5_CC_NOSUPP, so that the client
 * walks the list itself; pagd's cache loses nothing (EACCES).
 */
static krb5_error_code op_match(krb5_context ctx, const char *name,
				struct kcm_in *args, bool remove,
				struct kcm_out *out)
{
	uint32_t flags = kcm_get_u32(args);
	krb5_creds mcred, found;
	krb5_ccache cc = NULL;
	krb5_error_code code;

	if (args->bad)
		return KRB5_CC_FORMAT;
	code = kcm_get_mcred(args, &mcred);
	if (code)
		return code;
	if (!mcred.client || !mcred.server)
		code = KRB5_CC_NOSUPP;
	else if (remove && !strcmp(name, PAGD_KCM_PAGD_CACHE))
		code = EACCES;
	if (!code)
		code = open_cache(ctx, name, false, &cc);
	if (!code && remove) {
		code = krb5_cc_remove_cred(ctx, cc, mit_tcflags(flags), &mcred);
	} else if (!code) {
		code = krb5_cc_retrieve_cred(ctx, cc, mit_tcflags(flags),
					     &mcred, &found);
		if (!code) {
			kcm_put_cred(out, &found);
			krb5_free_cred_contents(ctx, &found);
		} else if (code == KRB5_CC_END) {
			code = KRB5_CC_NOTFOUND;
		}
	}
	if (cc)
		krb5_cc_close(ctx, cc);
	krb5_free_cred_contents(ctx, &mcred);
	return code;
}

static krb5_error_code op_caches(const uint8_t *uuid, struct kcm_out *out)
{
	char **names;
	bool found = false;
	int r = list_caches(&names);

	if (r < 0)
		return ENOMEM;
	for (char **s = names; *s && !found; s++) {
		uint8_t id[KCM_UUID_LEN];

		kcm_uuid(*s, strlen(*s), id);
		if (!uuid) {
			kcm_put_bytes(out, id, sizeof(id));
		} else if (!memcmp(id, uuid, sizeof(id))) {
			kcm_put_name(out, *s);
			found = true;
		}
	}
	free_list(names);
	return uuid && !found ? KRB5_CC_END : 0;
}

static krb5_error_code op_get_kdc_offset(const char *name, struct kcm_out *out)
{
	key_serial_t ring = name ? cache_keyring(name) : -1, key;
	uint8_t b[8] = { 0 };

	if (!name)
		return KRB5_CC_FORMAT;
	if (ring < 0)
		return KRB5_FCC_NOFILE;
	key = find_in(ring, "user", TIME_OFFSETS_KEY);
	if (key >= 0 && keyctl_read(key, (char *)b, sizeof(b)) != sizeof(b))
		memset(b, 0, sizeof(b));
	/* MIT keeps seconds then microseconds; KCM has the seconds */
	kcm_put_bytes(out, b, 4);
	return 0;
}

static krb5_error_code op_set_kdc_offset(const char *name, struct kcm_in *args)
{
	uint32_t off = kcm_get_u32(args);
	uint8_t b[8] = { off >> 24, off >> 16, off >> 8, off };
	key_serial_t ring;

	if (!name || args->bad)
		return KRB5_CC_FORMAT;
	if (!strcmp(name, PAGD_KCM_PAGD_CACHE))
		return EACCES;
	ring = cache_keyring(name);
	if (ring < 0)
		return KRB5_FCC_NOFILE;
	if (add_key("user", TIME_OFFSETS_KEY, b, sizeof(b), ring) < 0)
		return errno;
	return 0;
}

/* Possessor-only permissions on whatever a write made. */
static krb5_error_code restrict_written(krb5_error_code code, bool pagd)
{
	key_serial_t coll =
		collection(pagd ? PAGD_KCM_PAGD_CACHE : PAGD_KCM_COLLECTION);
	int r = coll >= 0 ? keyperm_restrict_tree(coll) : 0;

	return code ? code : r < 0 ? -r : 0;
}

krb5_error_code kcm_op_run(krb5_context ctx, uint16_t op, struct kcm_in *args,
			   struct kcm_out *out)
{
	const char *name = NULL;
	krb5_error_code code;
	const uint8_t *uuid;

	switch (op) {
	case KCM_OP_NOOP:
		return 0;
	case KCM_OP_GEN_NEW:
		return restrict_written(op_gen_new(ctx, out), false);
	case KCM_OP_GET_CACHE_UUID_LIST:
		return op_caches(NULL, out);
	case KCM_OP_GET_CACHE_BY_UUID:
		uuid = kcm_get_bytes(args, KCM_UUID_LEN);
		return uuid ? op_caches(uuid, out) : KRB5_CC_FORMAT;
	case KCM_OP_GET_DEFAULT_CACHE:
		return op_get_default(out);
	default:
		break;
	}
	if (op > KCM_OP_SET_KDC_OFFSET && op != KCM_OP_GET_CRED_LIST)
		return KRB5_CC_NOSUPP;
	if (op == KCM_OP_GET_NAME || op == KCM_OP_RESOLVE ||
	    (op > KCM_OP_REMOVE_CRED && op < KCM_OP_GET_CACHE_UUID_LIST))
		return KRB5_CC_NOSUPP;
	/* the rest name a cache first */
	name = kcm_get_name(args);
	if (!name)
		return KRB5_CC_BADNAME;
	switch (op) {
	case KCM_OP_INITIALIZE:
		if (!strcmp(name, PAGD_KCM_PAGD_CACHE))
			return EACCES;
		return restrict_written(op_initialize(ctx, name, args), false);
	case KCM_OP_DESTROY:
		return op_destroy(ctx, name);
	case KCM_OP_STORE:
		code = op_store(ctx, name, args);
		return restrict_written(code,
					!strcmp(name, PAGD_KCM_PAGD_CACHE));
	case KCM_OP_GET_PRINCIPAL:
		return op_get_principal(ctx, name, out);
	case KCM_OP_GET_CRED_UUID_LIST:
		return walk_creds(ctx, name, WALK_UUIDS, NULL, out);
	case KCM_OP_GET_CRED_BY_UUID:
		uuid = kcm_get_bytes(args, KCM_UUID_LEN);
		if (!uuid)
			return KRB5_CC_FORMAT;
		return walk_creds(ctx, name, WALK_BY_UUID, uuid, out);
	case KCM_OP_GET_CRED_LIST:
		return walk_creds(ctx, name, WALK_LIST, NULL, out);
	case KCM_OP_RETRIEVE:
		return op_match(ctx, name, args, false, out);
	case KCM_OP_REMOVE_CRED:
		return op_match(ctx, name, args, true, out);
	case KCM_OP_SET_DEFAULT_CACHE:
		return restrict_written(op_set_default(ctx, name), false);
	case KCM_OP_GET_KDC_OFFSET:
		return op_get_kdc_offset(name, out);
	case KCM_OP_SET_KDC_OFFSET:
		return restrict_written(op_set_kdc_offset(name, args), false);
	default:
		/* MIT's client takes this for "not implemented" */
		return KRB5_CC_NOSUPP;
	}
}
