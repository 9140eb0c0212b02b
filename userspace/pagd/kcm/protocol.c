// SPDX-License-Identifier: GPL-2.0
/*
 * Encoding and decoding KCM messages (protocol.h).  Every length read from
 * a request is checked against what is left of it before anything is
 * allocated, so a request can never make pagd allocate more than a small
 * multiple of its own size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pagd/kcm/protocol.h"

static const uint8_t *take(struct kcm_in *in, size_t n)
{
	const uint8_t *p;

	if (in->bad || n > in->len) {
		in->bad = true;
		return NULL;
	}
	p = in->p;
	in->p += n;
	in->len -= n;
	return p;
}

uint32_t kcm_get_u32(struct kcm_in *in)
{
	const uint8_t *p = take(in, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			       (uint32_t)p[2] << 8 | p[3]
		 : 0;
}

static uint16_t get_u16(struct kcm_in *in)
{
	const uint8_t *p = take(in, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

const uint8_t *kcm_get_bytes(struct kcm_in *in, size_t n)
{
	return take(in, n);
}

const char *kcm_get_name(struct kcm_in *in)
{
	const uint8_t *end;
	const char *name;
	size_t n;

	if (in->bad)
		return NULL;
	end = memchr(in->p, '\0', in->len);
	if (!end) {
		in->bad = true;
		return NULL;
	}
	n = (size_t)(end - in->p);
	name = (const char *)take(in, n + 1);
	if (n == 0 || n > KCM_MAX_NAME)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] > '~' || name[i] == ':' ||
		    name[i] == '/')
			return NULL;
	return name;
}

/* A counted byte string into @d; a copy with a NUL after it. */
static int get_data(struct kcm_in *in, krb5_data *d)
{
	uint32_t n = kcm_get_u32(in);
	const uint8_t *p = take(in, n);

	d->magic = KV5M_DATA;
	d->length = 0;
	d->data = NULL;
	if (!p)
		return KRB5_CC_FORMAT;
	d->data = malloc((size_t)n + 1);
	if (!d->data)
		return ENOMEM;
	memcpy(d->data, p, n);
	d->data[n] = '\0';
	d->length = n;
	return 0;
}

krb5_error_code kcm_get_princ(struct kcm_in *in, krb5_principal *out)
{
	krb5_principal pr = calloc(1, sizeof(*pr));
	uint32_t count;
	int r;

	*out = NULL;
	if (!pr)
		return ENOMEM;
	pr->magic = KV5M_PRINCIPAL;
	pr->type = (krb5_int32)kcm_get_u32(in);
	count = kcm_get_u32(in);
	/* each component takes at least its 4-byte length */
	if (in->bad || count > in->len / 4) {
		free(pr);
		return KRB5_CC_FORMAT;
	}
	r = get_data(in, &pr->realm);
	if (!r && count) {
		pr->data = calloc(count, sizeof(*pr->data));
		if (!pr->data)
			r = ENOMEM;
	}
	for (uint32_t i = 0; !r && i < count; i++) {
		r = get_data(in, &pr->data[i]);
		pr->length = (krb5_int32)i + 1;
	}
	if (r) {
		for (krb5_int32 i = 0; i < pr->length; i++)
			free(pr->data[i].data);
		free(pr->data);
		free(pr->realm.data);
		free(pr);
		return r;
	}
	*out = pr;
	return 0;
}

/*
 * Addresses or authorization data: a count, then (16-bit type, counted
 * bytes) each, into a NULL-terminated array of @size-byte elements whose
 * type, length and contents are at @type_off, @len_off, @data_off.
 */
struct typed_layout {
	size_t size, magic_off, type_off, len_off, data_off;
	krb5_magic magic;
};

static void free_typed(void **v, const struct typed_layout *l)
{
	if (!v)
		return;
	for (void **e = v; *e; e++) {
		free(*(void **)((char *)*e + l->data_off));
		free(*e);
	}
	free(v);
}

static int get_typed(struct kcm_in *in, void ***out,
		     const struct typed_layout *l)
{
	uint32_t count = kcm_get_u32(in);
	void **v;

	*out = NULL;
	if (in->bad || count > in->len / 6)
		return KRB5_CC_FORMAT;
	if (count == 0)
		return 0;
	v = calloc((size_t)count + 1, sizeof(*v));
	if (!v)
		return ENOMEM;
	for (uint32_t i = 0; i < count; i++) {
		uint16_t type = get_u16(in);
		krb5_data d;
		char *e;
		int r = get_data(in, &d);

		if (r) {
			free_typed(v, l);
			return r;
		}
		e = calloc(1, l->size);
		if (!e) {
			free(d.data);
			free_typed(v, l);
			return ENOMEM;
		}
		*(krb5_magic *)(e + l->magic_off) = l->magic;
		/* krb5_addrtype and krb5_authdatatype are both int32 */
		*(krb5_int32 *)(e + l->type_off) = type;
		*(unsigned int *)(e + l->len_off) = d.length;
		*(void **)(e + l->data_off) = d.data;
		v[i] = e;
	}
	*out = v;
	return 0;
}

static const struct typed_layout addr_layout = {
	.size = sizeof(krb5_address),
	.magic_off = offsetof(krb5_address, magic),
	.type_off = offsetof(krb5_address, addrtype),
	.len_off = offsetof(krb5_address, length),
	.data_off = offsetof(krb5_address, contents),
	.magic = KV5M_ADDRESS,
};

static const struct typed_layout ad_layout = {
	.size = sizeof(krb5_authdata),
	.magic_off = offsetof(krb5_authdata, magic),
	.type_off = offsetof(krb5_authdata, ad_type),
	.len_off = offsetof(krb5_authdata, length),
	.data_off = offsetof(krb5_authdata, contents),
	.magic = KV5M_AUTHDATA,
};

/* Frees what kcm_get_cred() made, also when it stopped half-way. */
static void free_cred(krb5_creds *c)
{
	if (c->client) {
		for (krb5_int32 i = 0; i < c->client->length; i++)
			free(c->client->data[i].data);
		free(c->client->data);
		free(c->client->realm.data);
		free(c->client);
	}
	if (c->server) {
		for (krb5_int32 i = 0; i < c->server->length; i++)
			free(c->server->data[i].data);
		free(c->server->data);
		free(c->server->realm.data);
		free(c->server);
	}
	free(c->keyblock.contents);
	free_typed((void **)c->addresses, &addr_layout);
	free_typed((void **)c->authdata, &ad_layout);
	free(c->ticket.data);
	free(c->second_ticket.data);
	memset(c, 0, sizeof(*c));
}

krb5_error_code kcm_get_cred(struct kcm_in *in, krb5_creds *c)
{
	krb5_data key;
	int r;

	memset(c, 0, sizeof(*c));
	c->magic = KV5M_CREDS;
	r = kcm_get_princ(in, &c->client);
	if (!r)
		r = kcm_get_princ(in, &c->server);
	if (!r) {
		c->keyblock.magic = KV5M_KEYBLOCK;
		c->keyblock.enctype = get_u16(in);
		r = get_data(in, &key);
		c->keyblock.length = key.length;
		c->keyblock.contents = (krb5_octet *)key.data;
	}
	if (!r) {
		c->times.authtime = (krb5_timestamp)kcm_get_u32(in);
		c->times.starttime = (krb5_timestamp)kcm_get_u32(in);
		c->times.endtime = (krb5_timestamp)kcm_get_u32(in);
		c->times.renew_till = (krb5_timestamp)kcm_get_u32(in);
		{
			const uint8_t *skey = take(in, 1);

			c->is_skey = skey ? *skey : 0;
		}
		c->ticket_flags = (krb5_flags)kcm_get_u32(in);
		r = in->bad ? KRB5_CC_FORMAT : 0;
	}
	if (!r)
		r = get_typed(in, (void ***)&c->addresses, &addr_layout);
	if (!r)
		r = get_typed(in, (void ***)&c->authdata, &ad_layout);
	if (!r)
		r = get_data(in, &c->ticket);
	if (!r)
		r = get_data(in, &c->second_ticket);
	if (r)
		free_cred(c);
	return r;
}

/* Heimdal's flags of a matching credential: which fields follow. */
#define MC_CLIENT	 0x01
#define MC_SERVER	 0x02
#define MC_KEY		 0x04
#define MC_TICKET	 0x08
#define MC_SECOND_TICKET 0x10
#define MC_AUTHDATA	 0x20
#define MC_ADDRESSES	 0x40

krb5_error_code kcm_get_mcred(struct kcm_in *in, krb5_creds *c)
{
	uint32_t have = kcm_get_u32(in);
	const uint8_t *skey;
	krb5_data key;
	int r = in->bad || have & ~0x7fU ? KRB5_CC_FORMAT : 0;

	memset(c, 0, sizeof(*c));
	c->magic = KV5M_CREDS;
	if (!r && have & MC_CLIENT)
		r = kcm_get_princ(in, &c->client);
	if (!r && have & MC_SERVER)
		r = kcm_get_princ(in, &c->server);
	if (!r && have & MC_KEY) {
		c->keyblock.magic = KV5M_KEYBLOCK;
		c->keyblock.enctype = get_u16(in);
		r = get_data(in, &key);
		c->keyblock.length = key.length;
		c->keyblock.contents = (krb5_octet *)key.data;
	}
	if (!r) {
		c->times.authtime = (krb5_timestamp)kcm_get_u32(in);
		c->times.starttime = (krb5_timestamp)kcm_get_u32(in);
		c->times.endtime = (krb5_timestamp)kcm_get_u32(in);
		c->times.renew_till = (krb5_timestamp)kcm_get_u32(in);
		skey = take(in, 1);
		c->is_skey = skey ? *skey : 0;
		c->ticket_flags = (krb5_flags)kcm_get_u32(in);
		r = in->bad ? KRB5_CC_FORMAT : 0;
	}
	if (!r && have & MC_ADDRESSES)
		r = get_typed(in, (void ***)&c->addresses, &addr_layout);
	if (!r && have & MC_AUTHDATA)
		r = get_typed(in, (void ***)&c->authdata, &ad_layout);
	if (!r && have & MC_TICKET)
		r = get_data(in, &c->ticket);
	if (!r && have & MC_SECOND_TICKET)
		r = get_data(in, &c->second_ticket);
	if (r)
		free_cred(c);
	return r;
}

static void reserve(struct kcm_out *out, size_t n)
{
	size_t cap;
	uint8_t *d;

	if (out->oom || n <= out->cap - out->len)
		return;
	cap = out->cap ? out->cap : 256;
	while (cap - out->len < n) {
		if (cap > KCM_MAX_REPLY * 4) {
			out->oom = true;
			return;
		}
		cap *= 2;
	}
	d = realloc(out->data, cap);
	if (!d) {
		out->oom = true;
		return;
	}
	out->data = d;
	out->cap = cap;
}

void kcm_put_bytes(struct kcm_out *out, const void *p, size_t n)
{
	reserve(out, n);
	if (out->oom || !n)
		return;
	memcpy(out->data + out->len, p, n);
	out->len += n;
}

void kcm_put_u32(struct kcm_out *out, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

	kcm_put_bytes(out, b, 4);
}

static void put_u16(struct kcm_out *out, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v };

	kcm_put_bytes(out, b, 2);
}

static void put_data(struct kcm_out *out, const void *p, unsigned int n)
{
	kcm_put_u32(out, n);
	kcm_put_bytes(out, p, n);
}

void kcm_put_name(struct kcm_out *out, const char *name)
{
	kcm_put_bytes(out, name, strlen(name) + 1);
}

void kcm_put_princ(struct kcm_out *out, krb5_const_principal pr)
{
	kcm_put_u32(out, (uint32_t)pr->type);
	kcm_put_u32(out, (uint32_t)pr->length);
	put_data(out, pr->realm.data, pr->realm.length);
	for (krb5_int32 i = 0; i < pr->length; i++)
		put_data(out, pr->data[i].data, pr->data[i].length);
}

void kcm_put_cred(struct kcm_out *out, const krb5_creds *c)
{
	uint32_t n = 0;
	uint8_t skey = (uint8_t)c->is_skey; /* as it came */

	kcm_put_princ(out, c->client);
	kcm_put_princ(out, c->server);
	put_u16(out, (uint16_t)c->keyblock.enctype);
	put_data(out, c->keyblock.contents, c->keyblock.length);
	kcm_put_u32(out, (uint32_t)c->times.authtime);
	kcm_put_u32(out, (uint32_t)c->times.starttime);
	kcm_put_u32(out, (uint32_t)c->times.endtime);
	kcm_put_u32(out, (uint32_t)c->times.renew_till);
	kcm_put_bytes(out, &skey, 1);
	kcm_put_u32(out, (uint32_t)c->ticket_flags);
	for (n = 0; c->addresses && c->addresses[n]; n++)
		;
	kcm_put_u32(out, n);
	for (uint32_t i = 0; i < n; i++) {
		put_u16(out, (uint16_t)c->addresses[i]->addrtype);
		put_data(out, c->addresses[i]->contents,
			 c->addresses[i]->length);
	}
	for (n = 0; c->authdata && c->authdata[n]; n++)
		;
	kcm_put_u32(out, n);
	for (uint32_t i = 0; i < n; i++) {
		put_u16(out, (uint16_t)c->authdata[i]->ad_type);
		put_data(out, c->authdata[i]->contents, c->authdata[i]->length);
	}
	put_data(out, c->ticket.data, c->ticket.length);
	put_data(out, c->second_ticket.data, c->second_ticket.length);
}

void kcm_out_free(struct kcm_out *out)
{
	free(out->data);
	memset(out, 0, sizeof(*out));
}

/*
 * Two FNV-1a hashes with different offsets: identifiers only have to tell
 * a cache's names or credentials apart, not resist anyone (a client can
 * read every credential it could name).
 */
void kcm_uuid(const void *p, size_t n, uint8_t uuid[KCM_UUID_LEN])
{
	uint64_t h[2] = { 0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL };
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 2; k++) {
			h[k] ^= b[i];
			h[k] *= 0x100000001b3ULL;
		}
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 8; i++)
			uuid[k * 8 + i] = (uint8_t)(h[k] >> (56 - 8 * i));
}

krb5_error_code kcm_parse_header(const uint8_t *msg, size_t len, uint16_t *op,
				 struct kcm_in *args)
{
	struct kcm_in in = { .p = msg, .len = len };
	const uint8_t *v = take(&in, 2);

	*op = get_u16(&in);
	if (!v || in.bad || v[0] != KCM_VERSION_MAJOR ||
	    v[1] != KCM_VERSION_MINOR)
		return KRB5_CC_FORMAT;
	*args = in;
	return 0;
}
