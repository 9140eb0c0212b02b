// SPDX-License-Identifier: GPL-2.0
/*
 * Management client: one small function per command over org.pag.Pagd1.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonout.h"
#include "common/parse.h"
#include "pagd_client.h"

#define BUS_NAME      "org.pag.Pagd1"
#define BUS_PATH      "/org/pag/Pagd1"
#define BUS_INTERFACE "org.pag.Pagd1"

int pagd_client_open(struct pagd_client *c, const char *address)
{
	int r;

	if (!address) {
		c->direct = false;
		return sd_bus_open_system(&c->bus);
	}
	c->direct = true;
	r = sd_bus_new(&c->bus);
	if (r >= 0)
		r = sd_bus_set_address(c->bus, address);
	if (r >= 0)
		r = sd_bus_start(c->bus);
	if (r < 0)
		c->bus = sd_bus_unref(c->bus);
	return r;
}

void pagd_client_close(struct pagd_client *c)
{
	c->bus = sd_bus_flush_close_unref(c->bus);
}

int pagd_call(struct pagd_client *c, const char *method, sd_bus_message **reply,
	      const char *sig, ...)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	va_list ap;
	int r;

	r = sd_bus_message_new_method_call(c->bus, &m,
					   c->direct ? NULL : BUS_NAME,
					   BUS_PATH, BUS_INTERFACE, method);
	if (r >= 0 && sig) {
		va_start(ap, sig);
		r = sd_bus_message_appendv(m, sig, ap);
		va_end(ap);
	}
	if (r >= 0)
		r = sd_bus_call(c->bus, m, 0, &error, reply);
	sd_bus_message_unref(m);
	if (r < 0) {
		fprintf(stderr, "pag: %s: %s\n", method,
			error.message ? error.message : strerror(-r));
		sd_bus_error_free(&error);
		return 1;
	}
	return 0;
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

int pagd_cmd_domains(struct pagd_client *c, int argc, char **argv)
{
	sd_bus_message *reply = NULL;
	const char *name, *tenant, *provider, *status;
	json_t *arr = json_array();
	int r;

	if (argc != 1)
		return pagd_usage_err("domains");
	r = pagd_call(c, "ListDomains", &reply, NULL);
	if (r)
		goto out;
	r = sd_bus_message_enter_container(reply, 'a', "(ssss)");
	while (r >= 0 &&
	       (r = sd_bus_message_read(reply, "(ssss)", &name, &tenant,
					&provider, &status)) > 0) {
		if (c->json)
			json_array_append_new(
				arr,
				json_pack("{s:s,s:s,s:s,s:s}", "name", name,
					  "tenant", tenant, "provider",
					  provider, "status", status));
		else
			printf("%-24s tenant %-16s provider %-6s %s\n", name,
			       tenant, provider, status);
	}
	r = r < 0;
	if (!r && c->json) {
		r = pagd_print_json(arr);
		arr = NULL;
	}
out:
	json_decref(arr);
	sd_bus_message_unref(reply);
	return r;
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

static int append_strv(sd_bus_message *m, char **v, int n)
{
	int r = sd_bus_message_open_container(m, 'a', "s");

	for (int i = 0; r >= 0 && i < n; i++)
		r = sd_bus_message_append(m, "s", v[i]);
	return r < 0 ? r : sd_bus_message_close_container(m);
}

int pagd_cmd_bind(struct pagd_client *c, int argc, char **argv)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	uint64_t created_ns;
	int32_t pag;
	int r;

	if (argc < 3)
		return pagd_usage_err("bind PAG[:CREATED_NS] DOMAIN...");
	if (pagd_parse_incarnation(argv[1], &pag, &created_ns) < 0)
		return 2;
	r = sd_bus_message_new_method_call(c->bus, &m,
					   c->direct ? NULL : BUS_NAME,
					   BUS_PATH, BUS_INTERFACE, "Bind");
	if (r >= 0)
		r = sd_bus_message_append(m, "it", pag, created_ns);
	if (r >= 0)
		r = append_strv(m, argv + 2, argc - 2);
	if (r >= 0)
		r = sd_bus_call(c->bus, m, 0, &error, &reply);
	if (r < 0)
		fprintf(stderr, "pag: bind: %s\n",
			error.message ? error.message : strerror(-r));
	sd_bus_error_free(&error);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	return r < 0;
}

int pagd_cmd_unbind(struct pagd_client *c, int argc, char **argv)
{
	int32_t pag;

	if (argc != 2)
		return pagd_usage_err("unbind PAG");
	if (pagd_parse_pag(argv[1], &pag) < 0)
		return 2;
	return pagd_call(c, "Unbind", NULL, "i", pag);
}

/* Reads an "as" into a JSON array and a comma-separated string. */
static int read_names(sd_bus_message *m, json_t **arr, char *buf, size_t len)
{
	const char *s;
	size_t off = 0;
	int r;

	*arr = json_array();
	buf[0] = '\0';
	r = sd_bus_message_enter_container(m, 'a', "s");
	while (r >= 0 && (r = sd_bus_message_read(m, "s", &s)) > 0) {
		json_array_append_new(*arr, json_string(s));
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				off ? "," : "", s);
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	return r;
}

int pagd_cmd_bindings(struct pagd_client *c, int argc, char **argv)
{
	sd_bus_message *reply = NULL;
	json_t *arr = json_array(), *names;
	char buf[4096];
	uint64_t created_ns;
	int32_t pag;
	int r;

	if (argc != 1)
		return pagd_usage_err("bindings");
	r = pagd_call(c, "ListBindings", &reply, NULL);
	if (r)
		goto out;
	r = sd_bus_message_enter_container(reply, 'a', "(itas)");
	while (r >= 0 &&
	       (r = sd_bus_message_enter_container(reply, 'r', "itas")) > 0) {
		r = sd_bus_message_read(reply, "it", &pag, &created_ns);
		if (r >= 0)
			r = read_names(reply, &names, buf, sizeof(buf));
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
		if (c->json)
			json_array_append_new(arr,
					      json_pack("{s:i,s:I,s:o}", "pag",
							pag, "created_ns",
							(json_int_t)created_ns,
							"domains", names));
		else {
			json_decref(names);
			printf("%d %s\n", pag, buf);
		}
	}
	r = r < 0;
	if (!r && c->json) {
		r = pagd_print_json(arr);
		arr = NULL;
	}
out:
	json_decref(arr);
	sd_bus_message_unref(reply);
	return r;
}

static int list_sockets(struct pagd_client *c)
{
	sd_bus_message *reply = NULL;
	json_t *arr = json_array(), *doms, *resps;
	char dbuf[4096], rbuf[256];
	const char *path;
	int r;

	r = pagd_call(c, "ListSocketDirectories", &reply, NULL);
	if (r)
		goto out;
	r = sd_bus_message_enter_container(reply, 'a', "(sasas)");
	while (r >= 0 &&
	       (r = sd_bus_message_enter_container(reply, 'r', "sasas")) > 0) {
		r = sd_bus_message_read(reply, "s", &path);
		if (r >= 0)
			r = read_names(reply, &doms, dbuf, sizeof(dbuf));
		if (r >= 0)
			r = read_names(reply, &resps, rbuf, sizeof(rbuf));
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
		if (r < 0)
			break;
		if (c->json) {
			json_array_append_new(arr,
					      json_pack("{s:s,s:o,s:o}", "path",
							path, "domains", doms,
							"responders", resps));
		} else {
			json_decref(doms);
			json_decref(resps);
			printf("%s %s %s\n", path, dbuf, rbuf);
		}
	}
	r = r < 0;
	if (!r && c->json) {
		r = pagd_print_json(arr);
		arr = NULL;
	}
out:
	json_decref(arr);
	sd_bus_message_unref(reply);
	return r;
}

/* sockets DOMAIN... [-r RESPONDER]...  |  sockets --list */
int pagd_cmd_sockets(struct pagd_client *c, int argc, char **argv)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	char **doms, **resps;
	int nd = 0, nr = 0, r;
	const char *path;

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
	r = sd_bus_message_new_method_call(
		c->bus, &m, c->direct ? NULL : BUS_NAME, BUS_PATH,
		BUS_INTERFACE, "GetSocketDirectory");
	if (r >= 0)
		r = append_strv(m, doms, nd);
	if (r >= 0)
		r = append_strv(m, resps, nr);
	if (r >= 0)
		r = sd_bus_call(c->bus, m, 0, &error, &reply);
	if (r >= 0)
		r = sd_bus_message_read(reply, "s", &path);
	if (r < 0) {
		fprintf(stderr, "pag: sockets: %s\n",
			error.message ? error.message : strerror(-r));
	} else if (c->json) {
		pagd_print_json(json_pack("{s:s}", "path", path));
	} else {
		puts(path);
	}
	sd_bus_error_free(&error);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	free(doms);
	free(resps);
	return r < 0;
}

int pagd_cmd_reload(struct pagd_client *c, int argc, char **argv)
{

	if (argc != 1)
		return pagd_usage_err("reload");
	return pagd_call(c, "Reload", NULL, NULL);
}
