// SPDX-License-Identifier: GPL-2.0
/*
 * The pag CLI's pagd commands: one small function per command, each a
 * call of libpagd-client (userspace/pagd-client/) and its output.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonout.h"
#include "common/parse.h"
#include "pagd_cmds.h"

int pagd_fail(struct pagd_cmd *c, const char *what)
{
	fprintf(stderr, "pag: %s: %s\n", what, pagd_client_error(&c->client));
	return 1;
}

int pagd_print_json(json_t *j)
{
	return print_json(j) < 0 ? 1 : 0;
}

int pagd_usage_err(const char *usage)
{
	fprintf(stderr, "usage: pag %s\n", usage);
	return 2;
}

/*
 * Ends a listing that failed with @r < 0 (the call @what), or prints @arr,
 * the listing in JSON (NULL: it was printed as text).  Return: 0, or 1.
 */
static int list_done(struct pagd_cmd *c, const char *what, int r, json_t *arr)
{
	if (r < 0) {
		json_decref(arr);
		return pagd_fail(c, what);
	}
	return arr ? pagd_print_json(arr) : 0;
}

/* Appends @j to @arr.  Return: 0, or -ENOMEM. */
static int json_add(json_t *arr, json_t *j)
{
	return j && !json_array_append_new(arr, j) ? 0 : -ENOMEM;
}

/* The trusted domains' details, by name, for `pag domains`. */
struct trusted_list {
	json_t *by_name; /* name -> {parent, forest, direction, keytab} */
};

static int keep_trusted(const struct pagd_trusted_domain *t, void *ud)
{
	struct trusted_list *l = ud;
	json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "parent", t->parent,
			      "forest", t->forest, "direction", t->direction,
			      "keytab", t->keytab);

	return j && !json_object_set_new(l->by_name, t->name, j) ? 0 : -ENOMEM;
}

static struct trusted_list trusted;

/* The callbacks print text, or append to the JSON array @ud when given. */
static int show_domain(const struct pagd_domain *d, void *ud)
{
	json_t *t = trusted.by_name ? json_object_get(trusted.by_name, d->name)
				    : NULL;
	json_t *j;

	if (ud) {
		j = json_pack("{s:s,s:s,s:s,s:s}", "name", d->name, "tenant",
			      d->tenant, "provider", d->provider, "status",
			      d->status);
		if (j && t)
			json_object_update(j, t);
		return json_add(ud, j);
	}
	printf("%-24s tenant %-16s provider %-6s %s", d->name, d->tenant,
	       d->provider, d->status);
	if (t)
		printf(" parent %s forest %s direction %s keytab %s",
		       json_string_value(json_object_get(t, "parent")),
		       json_string_value(json_object_get(t, "forest")),
		       json_string_value(json_object_get(t, "direction")),
		       json_string_value(json_object_get(t, "keytab")));
	putchar('\n');
	return 0;
}

/* pag domains online|offline: what SIGUSR2 and SIGUSR1 do to pagd. */
static int set_online(struct pagd_cmd *c, const char *word)
{
	bool online = !strcmp(word, "online");

	if (!online && strcmp(word, "offline")) {
		fprintf(stderr,
			"pag: domains: unknown action '%s' (online, offline)\n",
			word);
		return pagd_usage_err("domains [online | offline]");
	}
	if (pagd_client_set_domains_online(&c->client, online) < 0)
		return pagd_fail(c, "SetDomainsOnline");
	return 0;
}

int pagd_cmd_domains(struct pagd_cmd *c, int argc, char **argv)
{
	json_t *arr;
	int r;

	if (argc == 2)
		return set_online(c, argv[1]);
	if (argc != 1)
		return pagd_usage_err("domains [online | offline]");
	arr = c->json ? json_array() : NULL;
	trusted.by_name = json_object();
	/* an older pagd has no ListTrustedDomains: no details then */
	if (!trusted.by_name || pagd_client_list_trusted_domains(
					&c->client, keep_trusted, &trusted) < 0)
		json_object_clear(trusted.by_name);
	r = pagd_client_list_domains(&c->client, show_domain, arr);
	json_decref(trusted.by_name);
	trusted.by_name = NULL;
	return list_done(c, "ListDomains", r, arr);
}

int pagd_parse_pag(const char *s, int32_t *pag)
{
	if (parse_pag_id(s, pag) < 0) {
		fprintf(stderr, "pag: bad PAG id '%s'\n", s);
		return -EINVAL;
	}
	return 0;
}

int pagd_parse_incarnation(const char *s, int32_t *pag, uint64_t *created_ns)
{
	const char *colon = strchr(s, ':');
	char *id;
	int r;

	*created_ns = 0;
	if (!colon)
		return pagd_parse_pag(s, pag);
	id = strndup(s, colon - s);
	if (!id)
		return -ENOMEM;
	r = pagd_parse_pag(id, pag);
	free(id);
	if (r < 0)
		return r;
	if (parse_uint(colon + 1, 1, UINT64_MAX, created_ns) < 0) {
		fprintf(stderr, "pag: bad creation time in '%s'\n", s);
		return -EINVAL;
	}
	return 0;
}

/*
 * bind PAG DOMAIN...: Bind; bind --profile NAME [--principal P] PAG
 * [DOMAIN...]: BindProfile, the domains and principal narrowing the
 * profile's (none: all its domains, its first principal).
 */
int pagd_cmd_bind(struct pagd_cmd *c, int argc, char **argv)
{
	uint64_t created_ns;
	int32_t pag;

	if (argc < (c->profile ? 2 : 3))
		return pagd_usage_err(
			"bind PAG[:CREATED_NS] DOMAIN... | bind --profile NAME "
			"[--principal PRINCIPAL] PAG[:CREATED_NS] [DOMAIN...]");
	if (pagd_parse_incarnation(argv[1], &pag, &created_ns) < 0)
		return 2;
	if (c->profile) {
		if (pagd_client_bind_profile(&c->client, pag, created_ns,
					     c->profile, argv + 2, argc - 2,
					     c->principal) < 0)
			return pagd_fail(c, "BindProfile");
		return 0;
	}
	if (pagd_client_bind(&c->client, pag, created_ns, argv + 2, argc - 2) <
	    0)
		return pagd_fail(c, "bind");
	return 0;
}

int pagd_cmd_unbind(struct pagd_cmd *c, int argc, char **argv)
{
	int32_t pag;

	if (argc != 2)
		return pagd_usage_err("unbind PAG");
	if (pagd_parse_pag(argv[1], &pag) < 0)
		return 2;
	if (pagd_client_unbind(&c->client, pag) < 0)
		return pagd_fail(c, "Unbind");
	return 0;
}

/* Prints the names of @v separated by commas. */
static void print_names(char **v)
{
	for (char **s = v; *s; s++)
		printf("%s%s", s == v ? "" : ",", *s);
}

static json_t *json_names(char **v)
{
	json_t *arr = json_array();

	for (char **s = v; arr && *s; s++)
		json_array_append_new(arr, json_string(*s));
	return arr;
}

static int show_binding(const struct pagd_binding *b, void *ud)
{
	if (ud)
		return json_add(
			ud, json_pack("{s:i,s:I,s:o}", "pag", b->pag,
				      "created_ns", (json_int_t)b->created_ns,
				      "domains", json_names(b->domains)));
	printf("%d ", b->pag);
	print_names(b->domains);
	putchar('\n');
	return 0;
}

int pagd_cmd_bindings(struct pagd_cmd *c, int argc, char **argv)
{
	json_t *arr;
	int r;

	if (argc != 1)
		return pagd_usage_err("bindings");
	arr = c->json ? json_array() : NULL;
	r = pagd_client_list_bindings(&c->client, show_binding, arr);
	return list_done(c, "ListBindings", r, arr);
}

static int show_sockdir(const struct pagd_sockdir *s, void *ud)
{
	if (ud)
		return json_add(ud, json_pack("{s:s,s:o,s:o}", "path", s->path,
					      "domains", json_names(s->domains),
					      "responders",
					      json_names(s->responders)));
	printf("%s ", s->path);
	print_names(s->domains);
	putchar(' ');
	print_names(s->responders);
	putchar('\n');
	return 0;
}

static int list_sockets(struct pagd_cmd *c)
{
	json_t *arr = c->json ? json_array() : NULL;
	int r;

	r = pagd_client_list_socket_directories(&c->client, show_sockdir, arr);
	return list_done(c, "ListSocketDirectories", r, arr);
}

/* sockets DOMAIN... [-r RESPONDER]...  |  sockets --list */
int pagd_cmd_sockets(struct pagd_cmd *c, int argc, char **argv)
{
	char **doms, **resps, *path = NULL;
	int nd = 0, nr = 0, r;

	if (argc == 2 && !strcmp(argv[1], "--list"))
		return list_sockets(c);
	doms = calloc(argc, sizeof(*doms));
	resps = calloc(argc, sizeof(*resps));
	if (!doms || !resps) {
		free(doms);
		free(resps);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-r") || !strcmp(argv[i], "--responder")) {
			if (++i == argc) {
				nd = 0;
				break;
			}
			resps[nr++] = argv[i];
		} else {
			doms[nd++] = argv[i];
		}
	}
	if (nd == 0) {
		free(doms);
		free(resps);
		return pagd_usage_err(
			"sockets DOMAIN... [-r RESPONDER]... | sockets --list");
	}
	r = pagd_client_get_socket_directory(&c->client, doms, nd, resps, nr,
					     &path);
	if (r < 0)
		pagd_fail(c, "sockets");
	else if (c->json)
		pagd_print_json(json_pack("{s:s}", "path", path));
	else
		puts(path);
	free(path);
	free(doms);
	free(resps);
	return r < 0;
}

static int show_profile(const struct pagd_profile *p, void *ud)
{
	if (ud)
		return json_add(
			ud, json_pack("{s:s,s:o,s:o,s:s?}", "name", p->name,
				      "domains", json_names(p->domains),
				      "principals", json_names(p->principals),
				      "keytab", *p->keytab ? p->keytab : NULL));
	printf("%-16s domains ", p->name);
	print_names(p->domains);
	if (*p->principals) {
		printf(" principals ");
		print_names(p->principals);
		printf(" keytab %s", p->keytab);
	}
	putchar('\n');
	return 0;
}

int pagd_cmd_profiles(struct pagd_cmd *c, int argc, char **argv)
{
	json_t *arr;
	int r;

	if (argc != 1)
		return pagd_usage_err("profiles");
	arr = c->json ? json_array() : NULL;
	r = pagd_client_list_profiles(&c->client, show_profile, arr);
	return list_done(c, "ListProfiles", r, arr);
}

int pagd_cmd_reload(struct pagd_cmd *c, int argc, char **argv)
{
	if (argc != 1)
		return pagd_usage_err("reload");
	if (pagd_client_reload(&c->client) < 0)
		return pagd_fail(c, "Reload");
	return 0;
}
