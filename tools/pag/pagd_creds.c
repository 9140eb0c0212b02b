// SPDX-License-Identifier: GPL-2.0
/*
 * pag creds: Kerberos credential bindings of PAGs.
 *
 *   pag creds                            every binding, a line each
 *   pag creds PAG                        one binding in full
 *   pag creds bind PAG[:CREATED_NS] PRINCIPAL
 *                                        bind, from the keytab pagd's
 *                                        profiles give PRINCIPAL
 *   pag creds unbind PAG                 stop renewing
 *
 * The API gives times in realtime microseconds, 0 for none; people get
 * local dates, --json gets seconds since the epoch or null.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/timefmt.h"
#include "pagd_cmds.h"

#define CREDS_USAGE                                              \
	"creds [PAG] | creds bind PAG[:CREATED_NS] PRINCIPAL | " \
	"creds unbind PAG"

static const char *when(uint64_t usec, char *buf, size_t len)
{
	return usec ? timefmt((time_t)(usec / 1000000), buf, len) : "-";
}

static json_t *json_time(uint64_t usec)
{
	return usec ? json_integer((json_int_t)(usec / 1000000)) : json_null();
}

static json_t *row_json(const struct pagd_creds *w)
{
	return json_pack("{s:i,s:o,s:s,s:s,s:s,s:s?,s:o,s:o,s:o}", "pag",
			 w->pag, "created_ns",
			 w->created_ns ? json_integer((json_int_t)w->created_ns)
				       : json_null(),
			 "principal", w->principal, "state", w->state,
			 "message", w->message, "ccache",
			 *w->ccache ? w->ccache : NULL, "expires",
			 json_time(w->expires), "next_attempt",
			 json_time(w->next_attempt), "failing_since",
			 json_time(w->failing_since));
}

static void row_print_full(const struct pagd_creds *w)
{
	char b1[64], b2[64], b3[64];

	printf("PAG %d: %s, %s\n"
	       "  ccache         %s\n"
	       "  expires        %s\n"
	       "  next attempt   %s\n"
	       "  failing since  %s\n",
	       w->pag, w->principal, w->state, *w->ccache ? w->ccache : "-",
	       when(w->expires, b1, sizeof(b1)),
	       when(w->next_attempt, b2, sizeof(b2)),
	       when(w->failing_since, b3, sizeof(b3)));
	if (*w->message)
		printf("  message        %s\n", w->message);
}

static void row_print_line(const struct pagd_creds *w)
{
	char b[64];

	printf("%-11d %-24s %-9s %-25s %s\n", w->pag, w->principal, w->state,
	       when(w->expires, b, sizeof(b)), w->message);
}

static int show_full(const struct pagd_creds *w, void *ud)
{
	struct pagd_cmd *c = ud;

	if (c->json)
		return pagd_print_json(row_json(w)) ? -ENOMEM : 0;
	row_print_full(w);
	return 0;
}

static int show_one(struct pagd_cmd *c, const char *arg)
{
	int32_t pag;

	if (pagd_parse_pag(arg, &pag) < 0)
		return 2;
	if (pagd_client_get_credentials(&c->client, pag, show_full, c) < 0)
		return pagd_fail(c, "GetCredentials");
	return 0;
}

struct listing {
	json_t *arr; /* --json; NULL: text, a line each */
	bool header; /* the text's header is printed */
};

static void print_header(struct listing *l)
{
	if (!l->arr && !l->header)
		printf("%-11s %-24s %-9s %-25s %s\n", "PAG", "PRINCIPAL",
		       "STATE", "EXPIRES", "MESSAGE");
	l->header = true;
}

static int show_line(const struct pagd_creds *w, void *ud)
{
	struct listing *l = ud;

	if (l->arr)
		return json_array_append_new(l->arr, row_json(w)) ? -ENOMEM : 0;
	print_header(l);
	row_print_line(w);
	return 0;
}

static int list_all(struct pagd_cmd *c)
{
	struct listing l = { .arr = c->json ? json_array() : NULL };

	if (pagd_client_list_credentials(&c->client, show_line, &l) < 0) {
		json_decref(l.arr);
		return pagd_fail(c, "ListCredentials");
	}
	if (l.arr)
		return pagd_print_json(l.arr);
	print_header(&l);
	return 0;
}

int pagd_cmd_creds(struct pagd_cmd *c, int argc, char **argv)
{
	uint64_t created_ns;
	int32_t pag;

	if (argc == 1)
		return list_all(c);
	if (!strcmp(argv[1], "bind")) {
		if (argc != 4)
			return pagd_usage_err(
				"creds bind PAG[:CREATED_NS] PRINCIPAL");
		if (pagd_parse_incarnation(argv[2], &pag, &created_ns) < 0)
			return 2;
		if (pagd_client_bind_credentials(&c->client, pag, created_ns,
						 argv[3]) < 0)
			return pagd_fail(c, "BindCredentials");
		return 0;
	}
	if (!strcmp(argv[1], "unbind")) {
		if (argc != 3)
			return pagd_usage_err("creds unbind PAG");
		if (pagd_parse_pag(argv[2], &pag) < 0)
			return 2;
		if (pagd_client_unbind_credentials(&c->client, pag) < 0)
			return pagd_fail(c, "UnbindCredentials");
		return 0;
	}
	if (argc != 2)
		return pagd_usage_err(CREDS_USAGE);
	return show_one(c, argv[1]);
}
