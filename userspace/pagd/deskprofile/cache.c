// SPDX-License-Identifier: GPL-2.0
/*
 * The desktop-profile cache (cache.h), in JSON through jansson:
 *   { "policy": N, "has_set": true, "fetched": T,
 *     "rules": [ { "dn", "name", "priority", "target", "user_all",
 *                  "host_all", "member_user": [...], "member_host": [...] } ],
 *     "profiles": [ { "dn", "data", "modified" } ],
 *     "host": FQDN, "hostgroups": [...], "hostgroups_expire": T }
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "pagd/deskprofile/cache.h"

#define CACHE_DIR "deskprofile-cache"

void dp_strv_free(char **v)
{
	for (char **s = v; s && *s; s++)
		free(*s);
	free(v);
}

void dp_cached_free(struct dp_cached *c)
{
	dp_set_free(&c->set);
	free(c->host);
	dp_strv_free(c->hostgroups);
	*c = (struct dp_cached){ 0 };
}

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();

	for (char *const *s = v; a && s && *s; s++)
		json_array_append_new(a, json_string(*s));
	return a;
}

/* NULL-terminated copy of a JSON array of strings; NULL on a bad one. */
static char **json_strv(json_t *a)
{
	size_t n = json_is_array(a) ? json_array_size(a) : 0, i;
	char **v = calloc(n + 1, sizeof(*v));
	json_t *s;

	if (!v || (a && !json_is_array(a)))
		goto bad;
	json_array_foreach (a, i, s) {
		if (!json_is_string(s) ||
		    !(v[i] = strdup(json_string_value(s))))
			goto bad;
	}
	return v;
bad:
	dp_strv_free(v);
	return NULL;
}

static char *json_dup(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? strdup(s) : NULL;
}

static int load_set(json_t *root, struct dp_set *s)
{
	json_t *rules = json_object_get(root, "rules");
	json_t *profiles = json_object_get(root, "profiles");
	json_t *o;
	size_t i;

	s->policy = json_integer_value(json_object_get(root, "policy"));
	if (!json_is_array(rules) || !json_is_array(profiles))
		return -EINVAL;
	s->rules = calloc(json_array_size(rules) + 1, sizeof(*s->rules));
	s->profiles =
		calloc(json_array_size(profiles) + 1, sizeof(*s->profiles));
	if (!s->rules || !s->profiles)
		return -ENOMEM;
	json_array_foreach (rules, i, o) {
		struct dp_rule *r = &s->rules[s->n_rules++];

		r->dn = json_dup(o, "dn");
		r->name = json_dup(o, "name");
		r->target = json_dup(o, "target");
		r->priority =
			json_integer_value(json_object_get(o, "priority"));
		r->user_all = json_is_true(json_object_get(o, "user_all"));
		r->host_all = json_is_true(json_object_get(o, "host_all"));
		r->member_user = json_strv(json_object_get(o, "member_user"));
		r->member_host = json_strv(json_object_get(o, "member_host"));
		if (!r->dn || !r->name || !r->target || !r->member_user ||
		    !r->member_host || r->priority > DP_PRIORITY_MAX)
			return -EINVAL;
	}
	json_array_foreach (profiles, i, o) {
		struct dp_profile *pr = &s->profiles[s->n_profiles++];

		pr->dn = json_dup(o, "dn");
		pr->data = json_dup(o, "data");
		pr->modified = json_dup(o, "modified");
		if (!pr->dn || !pr->data)
			return -EINVAL;
	}
	return 0;
}

static int cache_path(const char *state_dir, const char *domain, char **path)
{
	return asprintf(path, "%s/" CACHE_DIR "/%s.json", state_dir, domain) < 0
		       ? -ENOMEM
		       : 0;
}

int dp_cache_load(const char *state_dir, const char *domain,
		  struct dp_cached *c)
{
	json_error_t err;
	json_t *root;
	char *path;
	int r;

	*c = (struct dp_cached){ 0 };
	if (cache_path(state_dir, domain, &path) < 0)
		return -ENOMEM;
	root = json_load_file(path, 0, &err);
	if (!root) {
		if (access(path, F_OK) == 0)
			log_warning("deskprofile: cache %s unreadable (%s), "
				    "ignored",
				    path, err.text);
		free(path);
		return 0;
	}
	c->has_set = json_is_true(json_object_get(root, "has_set"));
	c->fetched = json_integer_value(json_object_get(root, "fetched"));
	r = c->has_set ? load_set(root, &c->set) : 0;
	c->host = json_dup(root, "host");
	c->hostgroups = json_strv(json_object_get(root, "hostgroups"));
	c->hostgroups_expire =
		json_integer_value(json_object_get(root, "hostgroups_expire"));
	if (r < 0 || !c->hostgroups) {
		log_warning("deskprofile: cache %s malformed, ignored", path);
		dp_cached_free(c);
	}
	json_decref(root);
	free(path);
	return 0;
}

static json_t *set_json(const struct dp_cached *c)
{
	const struct dp_set *s = &c->set;
	json_t *root = json_object(), *rules = json_array(),
	       *profiles = json_array();

	for (size_t i = 0; i < s->n_rules; i++) {
		const struct dp_rule *r = &s->rules[i];

		json_array_append_new(
			rules,
			json_pack("{s:s, s:s, s:i, s:s, s:b, s:b, s:o, s:o}",
				  "dn", r->dn, "name", r->name, "priority",
				  (int)r->priority, "target", r->target,
				  "user_all", r->user_all, "host_all",
				  r->host_all, "member_user",
				  strv_json(r->member_user), "member_host",
				  strv_json(r->member_host)));
	}
	for (size_t i = 0; i < s->n_profiles; i++) {
		const struct dp_profile *p = &s->profiles[i];

		json_array_append_new(profiles,
				      json_pack("{s:s, s:s, s:s?}", "dn", p->dn,
						"data", p->data, "modified",
						p->modified));
	}
	json_object_set_new(root, "has_set", json_boolean(c->has_set));
	json_object_set_new(root, "fetched", json_integer(c->fetched));
	json_object_set_new(root, "policy", json_integer(s->policy));
	json_object_set_new(root, "rules", rules);
	json_object_set_new(root, "profiles", profiles);
	if (c->host)
		json_object_set_new(root, "host", json_string(c->host));
	json_object_set_new(root, "hostgroups", strv_json(c->hostgroups));
	json_object_set_new(root, "hostgroups_expire",
			    json_integer(c->hostgroups_expire));
	return root;
}

int dp_cache_save(const char *state_dir, const char *domain,
		  const struct dp_cached *c)
{
	char *path = NULL, *tmp = NULL, *dir = NULL;
	json_t *root = set_json(c);
	int r = -ENOMEM;

	if (!root || cache_path(state_dir, domain, &path) < 0 ||
	    asprintf(&tmp, "%s.tmp", path) < 0 ||
	    asprintf(&dir, "%s/" CACHE_DIR, state_dir) < 0)
		goto out;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		goto fail;
	}
	if (json_dump_file(root, tmp, JSON_COMPACT) < 0) {
		r = -EIO;
		goto fail;
	}
	if (rename(tmp, path) < 0) {
		r = -errno;
		unlink(tmp);
		goto fail;
	}
	r = 0;
	goto out;
fail:
	log_errno(LOG_WARNING, r, "deskprofile: cannot write cache %s: %m",
		  path);
out:
	json_decref(root);
	free(path);
	free(tmp);
	free(dir);
	return r;
}
