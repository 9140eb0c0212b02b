/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagd configuration: /etc/pag/pagd.conf, INI form, sssd.conf-like.
 *
 *   [pagd]           daemon-wide settings
 *   [domain/NAME]    one identity domain: its provider, tenant and options
 */
#ifndef PAGD_CONFIG_H
#define PAGD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PAGD_DEFAULT_CONFIG "/etc/pag/pagd.conf"
#define PAGD_NAME_MAX	    64

enum pagd_provider {
	PROVIDER_FILES,
};

enum pagd_bus_mode {
	BUS_AUTO, /* the system bus when one runs */
	BUS_NONE, /* the private socket only */
};

struct domain_conf {
	char *name;
	char *tenant;
	enum pagd_provider provider;
	char *files_directory;
	unsigned int line; /* of the [domain/NAME] header */
};

struct pagd_config {
	char *path;
	int log_level;
	char *state_dir;
	char *run_dir;
	char **default_domains; /* NULL-terminated, may be empty */
	bool has_admin_group;
	gid_t admin_gid;
	enum pagd_bus_mode bus;
	unsigned int client_idle_timeout; /* seconds */
	unsigned int max_clients;
	struct domain_conf *domains;
	size_t n_domains;
};

/*
 * config_load() - parse and validate a configuration file.
 * @path:	the file
 * @out:	the configuration, on success
 * @err:	on failure, a message naming the file and line (malloc'ed)
 *
 * Return: 0, or a negative errno with *@err set.
 */
int config_load(const char *path, struct pagd_config **out, char **err);
void config_free(struct pagd_config *cfg);
const struct domain_conf *config_domain(const struct pagd_config *cfg,
					const char *name);

/* Names of domains and tenants: letters, digits, '.', '_' and '-'. */
bool config_name_valid(const char *name);

#endif /* PAGD_CONFIG_H */
