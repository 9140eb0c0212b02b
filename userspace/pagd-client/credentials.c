// SPDX-License-Identifier: GPL-2.0
/*
 * Credential bindings: a PAG kept supplied with a principal's Kerberos
 * credentials from the keytab pagd's configuration gives that principal,
 * and the signal that tells their state changed.
 */
#include <errno.h>

#include "call.h"

/*
 * BindCredentials: pagd finds @principal's keytab in the profiles of its
 * configuration (refusing a principal no profile lists), checks it at once
 * and then keeps @pag, created at @created_ns (0: the live PAG's),
 * supplied.
 */
int pagd_client_bind_credentials(struct pagd_client *c, int32_t pag,
				 uint64_t created_ns, const char *principal)
{
	return pagd_client_call(c, PAGD_METHOD_BIND_CREDENTIALS, NULL, "its",
				pag, created_ns, principal);
}

/*
 * BindLoginCredentials: the TGT of @principal that a login stored in
 * @pag's PAGD_CCACHE (pam_pag) is renewed by pagd while it is renewable,
 * without a keytab.
 */
int pagd_client_bind_login_credentials(struct pagd_client *c, int32_t pag,
				       uint64_t created_ns,
				       const char *principal)
{
	return pagd_client_call(c, PAGD_METHOD_BIND_LOGIN_CREDENTIALS, NULL,
				"its", pag, created_ns, principal);
}

/*
 * SetCredentialsNetwork: @pag's kafs tokens are made in the network
 * namespace @netns (an open /proc/PID/ns/net) from now on, made anew at
 * once; wait for "ok" again.
 */
int pagd_client_set_credentials_network(struct pagd_client *c, int32_t pag,
					uint64_t created_ns, int netns)
{
	return pagd_client_call(c, PAGD_METHOD_SET_CREDENTIALS_NETWORK, NULL,
				"ith", pag, created_ns, netns);
}

/*
 * RenewCredentials: pagd makes @pag's credentials and kafs tokens anew at
 * once, in the binding's network namespace; wait for "ok" again.
 */
int pagd_client_renew_credentials(struct pagd_client *c, int32_t pag,
				  uint64_t created_ns)
{
	return pagd_client_call(c, PAGD_METHOD_RENEW_CREDENTIALS, NULL, "it",
				pag, created_ns);
}

int pagd_client_unbind_credentials(struct pagd_client *c, int32_t pag)
{
	return pagd_client_call(c, PAGD_METHOD_UNBIND_CREDENTIALS, NULL, "i",
				pag);
}

static int read_creds(sd_bus_message *m, struct pagd_creds *w)
{
	return sd_bus_message_read(m, "ssssttt", &w->principal, &w->state,
				   &w->message, &w->ccache, &w->expires,
				   &w->next_attempt, &w->failing_since);
}

/* GetCredentials: @each is called once, with @pag's binding. */
int pagd_client_get_credentials(struct pagd_client *c, int32_t pag,
				int (*each)(const struct pagd_creds *w,
					    void *ud),
				void *ud)
{
	sd_bus_message *reply = NULL;
	struct pagd_creds w = { .pag = pag };
	int r;

	r = pagd_client_call(c, PAGD_METHOD_GET_CREDENTIALS, &reply, "i", pag);
	if (r < 0)
		return r;
	r = read_creds(reply, &w);
	if (r >= 0)
		r = each(&w, ud);
	sd_bus_message_unref(reply);
	return r < 0 ? pagd_client_note(c, r) : 0;
}

/* ListCredentials: @each is called with every credential binding. */
int pagd_client_list_credentials(struct pagd_client *c,
				 int (*each)(const struct pagd_creds *w,
					     void *ud),
				 void *ud)
{
	sd_bus_message *reply = NULL;
	struct pagd_creds w;
	int r;

	r = pagd_client_call(c, PAGD_METHOD_LIST_CREDENTIALS, &reply, NULL);
	if (r < 0)
		return r;
	r = sd_bus_message_enter_container(reply, 'a', "(itssssttt)");
	while (r >= 0 && (r = sd_bus_message_enter_container(
				  reply, 'r', "itssssttt")) > 0) {
		r = sd_bus_message_read(reply, "it", &w.pag, &w.created_ns);
		if (r >= 0)
			r = read_creds(reply, &w);
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
		if (r >= 0)
			r = each(&w, ud);
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(reply);
	sd_bus_message_unref(reply);
	return r < 0 ? pagd_client_note(c, r) : 0;
}

/*
 * Subscribes to CredentialsChanged, so that pagd_client_wait() returns when
 * a binding changes state; dropping *@slot ends it.
 */
int pagd_client_watch_credentials(struct pagd_client *c, sd_bus_slot **slot)
{
	int r = sd_bus_match_signal(
		c->bus, slot, c->direct ? NULL : PAGD_BUS_NAME, PAGD_BUS_PATH,
		PAGD_BUS_INTERFACE, PAGD_SIGNAL_CREDENTIALS_CHANGED, NULL,
		NULL);

	return r < 0 ? pagd_client_note(c, r) : 0;
}
