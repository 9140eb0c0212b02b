// SPDX-License-Identifier: GPL-2.0
/*
 * pag creds: Kerberos credential bindings of PAGs.
 *
 *   pag creds                            every binding, a line each
 *   pag creds PAG                        one binding in full
 *   pag creds bind PAG[:CREATED_NS] PRINCIPAL KEYTAB
 *                                        bind (pagd checks the keytab now)
 *   pag creds unbind PAG                 stop renewing
 *
 * The API gives times in realtime microseconds, 0 for none; people get
 * local dates, --json gets seconds since the epoch or null.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/timefmt.h"
#include "pagd_client.h"

#define CREDS_USAGE                                                     \
	"creds [PAG] | creds bind PAG[:CREATED_NS] PRINCIPAL KEYTAB | " \
	"creds unbind PAG"

struct creds_row {
	int32_t pag;
	uint64_t created_ns; /* 0: not known (GetCredentials) */
	const char *principal, *state, *message, *ccache;
	uint64_t expires, next_attempt, failing_since;
};

static const char *when(uint64_t usec, char *buf, size_t len)
{
	return usec ? timefmt((time_t)(usec / 1000000), buf, len) : "-";
}

static json_t *json_time(uint64_t usec)
{
	return usec ? json_integer((json_int_t)(usec / 1000000)) : json_null();
}

static json_t *row_json(const struct creds_row *w)
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

static void row_print_full(const struct creds_row *w)
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

static void row_print_line(const struct creds_row *w)
{
	char b[64];

	printf("%-11d %-24s %-9s %-25s %s\n", w->pag, w->principal, w->state,
	       when(w->expires, b, sizeof(b)), w->message);
}

static int show_one(struct pagd_client *c, const char *arg)
{
	sd_bus_message *reply = NULL;
	struct creds_row w = {};
	int r;

	if (pagd_parse_pag(arg, &w.pag) < 0)
		return 2;
	r = pagd_call(c, "GetCredentials", &reply, "i", w.pag);
	if (r)
		return r;
	r = sd_bus_message_read(reply, "ssssttt", &w.principal, &w.state,
				&w.message, &w.ccache, &w.expires,
				&w.next_attempt, &w.failing_since);
	if (r < 0) {
		fprintf(stderr, "pag: GetCredentials: %s\n", strerror(-r));
		r = 1;
	} else if (c->json) {
		r = pagd_print_json(row_json(&w));
	} else {
		row_print_full(&w);
		r = 0;
	}
	sd_bus_message_unref(reply);
	return r;
}

static int list_all(struct pagd_client *c)
{
	sd_bus_message *reply = NULL;
	json_t *arr = json_array();
	struct creds_row w;
	int r;

	r = pagd_call(c, "ListCredentials", &reply, NULL);
	if (r)
		goto out;
	r = sd_bus_message_enter_container(reply, 'a', "(itssssttt)");
	if (r >= 0 && !c->json)
		printf("%-11s %-24s %-9s %-25s %s\n", "PAG", "PRINCIPAL",
		       "STATE", "EXPIRES", "MESSAGE");
	while (r >= 0 &&
	       (r = sd_bus_message_read(
			reply, "(itssssttt)", &w.pag, &w.created_ns,
			&w.principal, &w.state, &w.message, &w.ccache,
			&w.expires, &w.next_attempt, &w.failing_since)) > 0) {
		if (c->json)
			json_array_append_new(arr, row_json(&w));
		else
			row_print_line(&w);
	}
	if (r < 0) {
		fprintf(stderr, "pag: ListCredentials: %s\n", strerror(-r));
		r = 1;
		goto out;
	}
	r = 0;
	if (c->json) {
		r = pagd_print_json(arr);
		arr = NULL;
	}
out:
	json_decref(arr);
	sd_bus_message_unref(reply);
	return r;
}

int pagd_cmd_creds(struct pagd_client *c, int argc, char **argv)
{
	uint64_t created_ns;
	int32_t pag;

	if (argc == 1)
		return list_all(c);
	if (!strcmp(argv[1], "bind")) {
		if (argc != 5)
			return pagd_usage_err(
				"creds bind PAG[:CREATED_NS] PRINCIPAL KEYTAB");
		if (pagd_parse_incarnation(argv[2], &pag, &created_ns) < 0)
			return 2;
		return pagd_call(c, "BindCredentials", NULL, "itss", pag,
				 created_ns, argv[3], argv[4]);
	}
	if (!strcmp(argv[1], "unbind")) {
		if (argc != 3)
			return pagd_usage_err("creds unbind PAG");
		if (pagd_parse_pag(argv[2], &pag) < 0)
			return 2;
		return pagd_call(c, "UnbindCredentials", NULL, "i", pag);
	}
	if (argc != 2)
		return pagd_usage_err(CREDS_USAGE);
	return show_one(c, argv[1]);
}
