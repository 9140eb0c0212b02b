// SPDX-License-Identifier: GPL-2.0
/*
 * pag tokens, pag token add|del: the credential set of a PAG, in the
 * spirit of AFS `tokens`, whose listing pag tokens prints for kafs
 * tokens.  Every command acts on the caller's own PAG, or with --pag on
 * any PAG (CAP_SYS_ADMIN in the initial user namespace).
 * Payloads go in; only metadata comes out.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "afs_pagd.h"
#include "cli.h"
#include "common/timefmt.h"
#include "pagd-client/api.h"

/* Larger files are refused before reading: no token is this big. */
#define TOKEN_FILE_MAX (1 << 20)

/* What a failed token operation means for the exit code. */
static int token_failure(int err, int32_t pag, const char *what)
{
	const char *msg = pag_errmsg(handle);

	if (err == -ENOENT || err == -ESRCH) {
		fprintf(stderr, "pag %s: %s%s%s\n", current_cmd->name, what,
			*msg ? ": " : "", *msg ? msg : strerror(-err));
		return pag || err == -ENOENT ? EXIT_NO_SUCH_PAG : EXIT_NO_PAG;
	}
	return failure(err, what);
}

/* The options the token commands share; what a command lacks stays 0. */
struct token_opts {
	int32_t pag; /* 0: the caller's own */
	const char *type, *name;
};

/*
 * What every token command does with getopt_long()'s @c when it is none
 * of the command's own: --pag, --type and --name into @o, --help, or an
 * unknown option.  Returns -1 to go on, else the exit code.
 */
static int token_opt(int c, char **argv, struct token_opts *o)
{
	switch (c) {
	case 'p':
		if (parse_pag_id(optarg, &o->pag))
			return usage_error("invalid PAG id '%s': not a "
					   "positive number",
					   optarg);
		return -1;
	case 't':
		o->type = optarg;
		return -1;
	case 'n':
		o->name = optarg;
		return -1;
	}
	return help_or_unknown_opt(c, argv);
}

/* After the options: none of a token command takes an argument. */
static int token_no_args(int argc, char **argv)
{
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return 0;
}

static void when_str(uint64_t t, char *buf, size_t len)
{
	if (!t)
		snprintf(buf, len, "never");
	else if (t > (uint64_t)LLONG_MAX)
		snprintf(buf, len, "@%llu", (unsigned long long)t);
	else
		timefmt((time_t)t, buf, len);
}

/* A kafs token: an rxrpc key named afs@CELL. */
static const char *afs_cell_of(const char *type, const char *name)
{
	return !strcmp(type, "rxrpc") && !strncmp(name, "afs@", 4) ? name + 4
								   : NULL;
}

static json_t *token_json(const struct pag_token *t, const char *principal)
{
	json_t *obj = json_object();
	const char *cell = afs_cell_of(t->type, t->name);

	if (t->present & PAG_INFO_HAS(PAG_A_TOKEN_PAG))
		json_object_set_new(obj, "pag", json_integer(t->pag));
	json_object_set_new(obj, "type", json_string(t->type));
	json_object_set_new(obj, "name", json_string(t->name));
	if (t->present & PAG_INFO_HAS(PAG_A_TOKEN_SERIAL))
		json_object_set_new(obj, "serial", json_integer(t->serial));
	if (t->present & PAG_INFO_HAS(PAG_A_TOKEN_SIZE))
		json_object_set_new(obj, "size", json_integer(t->size));
	json_object_set_new(obj, "expiry", json_integer((json_int_t)t->expiry));
	if (t->present & PAG_INFO_HAS(PAG_A_TOKEN_MTIME))
		json_object_set_new(obj, "mtime",
				    json_integer((json_int_t)t->mtime));
	if (cell) {
		json_object_set_new(obj, "cell", json_string(cell));
		json_object_set_new(obj, "principal",
				    *principal ? json_string(principal)
					       : json_null());
	}
	return obj;
}

/* A token as the listing keeps it until it is printed. */
struct listed {
	char *type, *name; /* owned copies; @t points at them */
	struct pag_token t;
};

struct listing {
	struct listed *v;
	size_t n, cap;
	size_t n_afs;
};

static int token_keep(const struct pag_token *t, void *arg)
{
	struct listing *l = arg;
	struct listed *nv, *e;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		nv = realloc(l->v, l->cap * sizeof(*l->v));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
	}
	e = &l->v[l->n];
	e->type = strdup(t->type);
	e->name = strdup(t->name);
	if (!e->type || !e->name) {
		free(e->type);
		free(e->name);
		return -ENOMEM;
	}
	e->t = *t;
	e->t.type = e->type;
	e->t.name = e->name;
	l->n++;
	if (afs_cell_of(t->type, t->name))
		l->n_afs++;
	return 0;
}

static void listing_free(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].type);
		free(l->v[i].name);
	}
	free(l->v);
}

/*
 * The AFS tokens as OpenAFS's tokens(1) prints them, with the principal
 * (whom a v1 rxkad token does not name: pagd's credential binding does)
 * where OpenAFS puts the AFS ID, and the house's dates.
 */
static void print_afs(const struct listing *l, const char *principal)
{
	time_t now = time(NULL);
	char when[64];

	printf("\nTokens held by the Cache Manager:\n\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct pag_token *t = &l->v[i].t;

		if (!afs_cell_of(t->type, t->name))
			continue;
		if (*principal)
			printf("User %s's tokens", principal);
		else
			printf("User's (unknown) tokens");
		if (t->expiry && t->expiry <= (uint64_t)now) {
			printf(" for %s [>> Expired <<]\n", t->name);
		} else {
			when_str(t->expiry, when, sizeof(when));
			printf(" for %s [Expires %s]\n", t->name, when);
		}
	}
	printf("   --End of list--\n");
}

/* The other tokens, a line each under a header. */
static void print_others(const struct listing *l)
{
	time_t now = time(NULL);
	char when[64];

	printf("%-8s %-32s %7s  %s\n", "TYPE", "NAME", "SIZE", "EXPIRES");
	for (size_t i = 0; i < l->n; i++) {
		const struct pag_token *t = &l->v[i].t;

		if (afs_cell_of(t->type, t->name))
			continue;
		when_str(t->expiry, when, sizeof(when));
		printf("%-8s %-32s %7u  %s%s\n", t->type, t->name, t->size,
		       when,
		       t->expiry && t->expiry <= (uint64_t)now ? " (expired)"
							       : "");
	}
}

/*
 * Whose credentials the PAG's kafs tokens are, as pagd's credential
 * binding says (pagd's management API: root or its admin group); "" when
 * pagd is not there, will not say, or the PAG has no binding.
 */
static void binding_principal(const char *address, int32_t pag, char *out,
			      size_t len)
{
	struct pag_info info;
	int r;

	*out = '\0';
	r = pag ? pag_get(handle, pag, 0, &info) : pag_current(handle, &info);
	if (r < 0)
		return;
	if (afs_binding_principal(address, info.id, info.created_ns, out, len) <
	    0)
		*out = '\0';
}

int cmd_tokens(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pag", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "system", no_argument, NULL, 's' },
		{ "address", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *address = PAGD_PRIVATE_BUS;
	struct listing l = {};
	struct token_opts o = {};
	char principal[256] = "";
	json_t *arr;
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+p:jh", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 's')
			address = NULL;
		else if (c == 'a')
			address = optarg;
		else if ((err = token_opt(c, argv, &o)) >= 0)
			return err;
	}
	err = token_no_args(argc, argv);
	if (!err)
		err = open_handle();
	if (err)
		return err;
	err = pag_token_iterate(handle, o.pag, 0, token_keep, &l);
	if (err < 0) {
		listing_free(&l);
		return token_failure(err, o.pag, "cannot list tokens");
	}
	if (l.n_afs)
		binding_principal(address, o.pag, principal, sizeof(principal));
	if (json) {
		arr = json_array();
		for (size_t i = 0; arr && i < l.n; i++)
			json_array_append_new(arr,
					      token_json(&l.v[i].t, principal));
		listing_free(&l);
		return print_json(arr) < 0 ? failure(-ENOMEM, NULL) : 0;
	}
	/* OpenAFS's form for the AFS tokens, or for none at all */
	if (l.n_afs || !l.n)
		print_afs(&l, principal);
	if (l.n > l.n_afs) {
		if (l.n_afs)
			printf("\n");
		print_others(&l);
	}
	listing_free(&l);
	return 0;
}

/* The whole of @path, at most TOKEN_FILE_MAX bytes. */
static int read_file(const char *path, char **data, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = NULL, *nbuf;
	ssize_t r;
	int fd, err;

	fd = !strcmp(path, "-") ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (n == cap || !buf) {
			if (buf)
				cap *= 2;
			if (cap > TOKEN_FILE_MAX + 1)
				cap = TOKEN_FILE_MAX + 1;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				err = -ENOMEM;
				goto fail;
			}
			buf = nbuf;
		}
		if (n == cap) {
			err = -EFBIG;
			goto fail;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*data = buf;
	*len = n;
	return 0;
fail:
	close(fd);
	free(buf);
	return err;
}

static int token_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pag", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "data", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'f' },
		{ "expiry", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct token_opts o = {};
	const char *data = NULL, *file = NULL;
	char *buf = NULL;
	uint64_t expiry = 0;
	uint64_t secs;
	size_t len = 0;
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+p:t:n:d:f:e:h", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'd':
			data = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'e':
			if (parse_uint(optarg, 1, INT64_MAX, &secs) < 0)
				return usage_error("invalid expiry '%s': not a "
						   "positive number of seconds",
						   optarg);
			expiry = (uint64_t)time(NULL) + (uint64_t)secs;
			break;
		default:
			err = token_opt(c, argv, &o);
			if (err >= 0)
				return err;
		}
	}
	if (token_no_args(argc, argv))
		return EX_USAGE;
	if (!o.type || !*o.type)
		return usage_error("missing --type");
	if (!o.name || !*o.name)
		return usage_error("missing --name");
	if (!data == !file)
		return usage_error("give exactly one of --data and --file");
	if (file) {
		err = read_file(file, &buf, &len);
		if (err) {
			fprintf(stderr, "pag token add: %s: %s\n", file,
				err == -EFBIG ? "larger than 1 MiB"
					      : strerror(-err));
			return EX_OSERR;
		}
		data = buf;
	} else {
		len = strlen(data);
	}
	err = open_handle();
	if (!err) {
		err = pag_token_add(handle, o.pag, 0, o.type, o.name, data, len,
				    expiry);
		if (err < 0)
			err = token_failure(err, o.pag, o.name);
	}
	if (buf) {
		explicit_bzero(buf, len);
		free(buf);
	}
	return err;
}

struct find_ctx {
	const char *name;
	char type[64];
	char types[256];
	unsigned int found;
};

static int find_name(const struct pag_token *t, void *arg)
{
	struct find_ctx *ctx = arg;
	size_t n = strlen(ctx->types);

	if (strcmp(t->name, ctx->name))
		return 0;
	ctx->found++;
	snprintf(ctx->type, sizeof(ctx->type), "%s", t->type);
	snprintf(ctx->types + n, sizeof(ctx->types) - n, "%s%s", n ? ", " : "",
		 t->type);
	return 0;
}

static int token_del(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pag", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct token_opts o = {};
	struct find_ctx ctx = {};
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+p:t:n:h", opts, NULL)) != -1) {
		err = token_opt(c, argv, &o);
		if (err >= 0)
			return err;
	}
	if (token_no_args(argc, argv))
		return EX_USAGE;
	if (!o.name || !*o.name)
		return usage_error("missing --name");
	ctx.name = o.name;
	err = open_handle();
	if (err)
		return err;
	/* Without --type, the name must say which token it is. */
	if (!o.type) {
		err = pag_token_iterate(handle, o.pag, 0, find_name, &ctx);
		if (err < 0)
			return token_failure(err, o.pag, "cannot list tokens");
		if (!ctx.found) {
			fprintf(stderr, "pag token del: no token named %s\n",
				ctx.name);
			return EXIT_NO_SUCH_PAG;
		}
		if (ctx.found > 1)
			return usage_error("%u tokens are named %s (%s): give "
					   "--type",
					   ctx.found, ctx.name, ctx.types);
		o.type = ctx.type;
	}
	err = pag_token_del(handle, o.pag, 0, o.type, o.name);
	return err < 0 ? token_failure(err, o.pag, o.name) : 0;
}

static const struct cmd token_cmds[] = {
	{ "token add", token_add,
	  "[--pag ID] --type TYPE --name NAME (--data STRING | --file PATH) "
	  "[--expiry SECONDS]",
	  "" },
	{ "token del", token_del, "[--pag ID] --name NAME [--type TYPE]", "" },
	{}
};

int cmd_token(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2)
		return usage_error("missing add or del");
	for (c = token_cmds; c->name; c++)
		if (!strcmp(c->name + sizeof("token"), argv[1])) {
			current_cmd = c;
			return c->fn(argc - 1, argv + 1);
		}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_of(stdout, current_cmd);
		return 0;
	}
	return usage_error("unknown token command '%s'", argv[1]);
}
