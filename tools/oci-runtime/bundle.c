// SPDX-License-Identifier: GPL-2.0
/*
 * The bundle's config.json, through jansson.  Read: the annotations that
 * narrow the profile (OCI_ANN_PRINCIPAL, one principal; OCI_ANN_DOMAINS,
 * comma-separated domains) and the one saying where kafs mounts are made
 * (OCI_ANN_AFS_NETNS, which widens nothing: the tokens stay in the
 * container's PAG whichever namespace they are made in); pagd decides whether
 * they are within the profile, the wrapper only passes them on.  Changed: the
 * mounts pag-launch makes itself (tools/launch/mounts.c), as OCI mounts
 * appended after the engine's, so that they cover anything mounted at the same
 * place: a tmpfs at /var/lib/sss hiding the host's own SSSD files, the socket
 * directory at /var/lib/sss/pipes and its memory cache, read-only, at
 * /var/lib/sss/mc; pagd's kcm socket at MIT's default KCM socket path and
 * a krb5.conf when the wrapper's configuration names one; and KRB5CCNAME, also
 * into exec's process file.  Written back to a temporary file beside it and
 * renamed over it, so the runtime reads the old file or the new, never a part.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci-runtime.h"

#define SSS_DIR "/var/lib/sss"

struct oci_bundle {
	char *path;
	json_t *root;
};

/* A string annotation, NULL when absent; -EINVAL when not a string. */
static int annotation(struct oci_bundle *b, const char *name,
		      const char **value)
{
	json_t *anns = json_object_get(b->root, "annotations"), *v;

	*value = NULL;
	if (!anns)
		return 0;
	if (!json_is_object(anns)) {
		launch_err("%s: \"annotations\" is not an object", b->path);
		return -EINVAL;
	}
	v = json_object_get(anns, name);
	if (!v)
		return 0;
	if (!json_is_string(v) || !*json_string_value(v)) {
		launch_err("%s: annotation %s is not a non-empty string",
			   b->path, name);
		return -EINVAL;
	}
	*value = json_string_value(v);
	return 0;
}

/* "a,b,c" into @req->domains; every name non-empty. */
static int split_domains(const char *path, const char *list,
			 struct oci_request *req)
{
	char *copy = strdup(list), *p, *save = NULL;
	size_t n = 1;

	if (!copy)
		return -ENOMEM;
	for (const char *s = list; *s; s++)
		n += *s == ',';
	req->domains = calloc(n + 1, sizeof(*req->domains));
	if (!req->domains) {
		free(copy);
		return -ENOMEM;
	}
	for (p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (!(req->domains[req->n_domains++] = strdup(p)))
			return -ENOMEM;
	free(copy);
	if ((size_t)req->n_domains != n) {
		launch_err("%s: malformed annotation %s=\"%s\": want "
			   "DOMAIN[,DOMAIN]...",
			   path, OCI_ANN_DOMAINS, list);
		return -EINVAL;
	}
	return 0;
}

/*
 * OCI_ANN_AFS_NETNS=container: the container makes its kafs mounts in its
 * own network namespace, where pagd must then make its tokens.  That
 * namespace must exist before the container's first process runs, so the
 * engine must have made it: a "network" entry of linux.namespaces with a
 * path (podman's, a CNI or netavark namespace).  One the runtime would
 * make is refused, as is a container without a network namespace of its
 * own.
 */
static int afs_netns(struct oci_bundle *b, struct oci_request *req)
{
	json_t *nss = json_object_get(json_object_get(b->root, "linux"),
				      "namespaces"),
	       *ns, *path = NULL;
	const char *where;
	bool found = false;
	size_t i;
	int r = annotation(b, OCI_ANN_AFS_NETNS, &where);

	if (r || !where || !strcmp(where, "host"))
		return r;
	if (strcmp(where, "container")) {
		launch_err("%s: bad annotation %s=\"%s\": want host or "
			   "container",
			   b->path, OCI_ANN_AFS_NETNS, where);
		return -EINVAL;
	}
	json_array_foreach (nss, i, ns) {
		const char *type =
			json_string_value(json_object_get(ns, "type"));

		if (type && !strcmp(type, "network")) {
			found = true;
			path = json_object_get(ns, "path");
		}
	}
	if (!found) {
		launch_err("%s: %s=container, but the container has no "
			   "network namespace of its own",
			   b->path, OCI_ANN_AFS_NETNS);
		return -EINVAL;
	}
	if (!json_is_string(path) || !*json_string_value(path)) {
		launch_err("%s: %s=container needs a network namespace the "
			   "engine made (a path in linux.namespaces): one the "
			   "runtime makes does not exist before the container "
			   "starts",
			   b->path, OCI_ANN_AFS_NETNS);
		return -EINVAL;
	}
	req->netns_path = json_string_value(path);
	return 0;
}

int oci_bundle_read(const char *config, struct oci_bundle **bp,
		    struct oci_request *req)
{
	struct oci_bundle *b = calloc(1, sizeof(*b));
	const char *domains = NULL;
	json_error_t err;
	int r = 0;

	*req = (struct oci_request){};
	*bp = b;
	if (!b || !(b->path = strdup(config)))
		return -ENOMEM;
	b->root = json_load_file(config, JSON_REJECT_DUPLICATES, &err);
	if (!b->root) {
		launch_err("cannot read the bundle's %s: %s (line %d)", config,
			   err.text, err.line);
		return -EINVAL;
	}
	if (!json_is_object(b->root)) {
		launch_err("%s is not an OCI configuration (not an object)",
			   config);
		return -EINVAL;
	}
	r = annotation(b, OCI_ANN_PRINCIPAL, &req->principal);
	if (!r)
		r = annotation(b, OCI_ANN_DOMAINS, &domains);
	if (!r && domains)
		r = split_domains(config, domains, req);
	if (!r)
		r = afs_netns(b, req);
	return r;
}

/* The array @key of @parent, made when absent. */
static json_t *array_of(struct oci_bundle *b, json_t *parent, const char *key)
{
	json_t *a = json_object_get(parent, key);

	if (!a) {
		a = json_array();
		if (json_object_set_new(parent, key, a) < 0)
			return NULL;
	}
	if (!json_is_array(a)) {
		launch_err("%s: \"%s\" is not an array", b->path, key);
		return NULL;
	}
	return a;
}

static int add_mount(json_t *mounts, const char *dest, const char *type,
		     const char *src, const char *opts)
{
	json_t *m = json_pack("{s:s, s:s, s:s, s:[]}", "destination", dest,
			      "type", type, "source", src, "options");
	char *copy = strdup(opts), *o, *save = NULL;
	int r = m && copy ? 0 : -ENOMEM;

	for (o = copy ? strtok_r(copy, ",", &save) : NULL; o && !r;
	     o = strtok_r(NULL, ",", &save))
		if (json_array_append_new(json_object_get(m, "options"),
					  json_string(o)) < 0)
			r = -ENOMEM;
	free(copy);
	if (!r && json_array_append_new(mounts, m) < 0)
		return -ENOMEM;
	if (r)
		json_decref(m);
	return r;
}

int oci_bundle_add_sockets(struct oci_bundle *b, const char *sockdir)
{
	json_t *mounts = array_of(b, b->root, "mounts");
	char mc[PATH_MAX];
	struct stat st;
	int r;

	if (!mounts)
		return -EINVAL;
	r = add_mount(mounts, SSS_DIR, "tmpfs", "tmpfs",
		      "nosuid,nodev,mode=0755,size=64k");
	if (!r)
		r = add_mount(mounts, SSS_DIR "/pipes", "bind", sockdir,
			      "bind,nosuid,nodev,noexec");
	if (!r &&
	    snprintf(mc, sizeof(mc), "%s/mc", sockdir) < (int)sizeof(mc) &&
	    stat(mc, &st) == 0 && S_ISDIR(st.st_mode))
		/* read-only: a container must not write what others read */
		r = add_mount(mounts, SSS_DIR "/mc", "bind", mc,
			      "bind,ro,nosuid,nodev,noexec");
	if (r)
		launch_err("out of memory");
	return r;
}

/* @src bind-mounted read-only at @dest (pagd's kcm socket, a krb5.conf). */
int oci_bundle_add_file(struct oci_bundle *b, const char *dest, const char *src)
{
	json_t *mounts = array_of(b, b->root, "mounts");
	int r;

	if (!mounts)
		return -EINVAL;
	r = add_mount(mounts, dest, "bind", src, "bind,ro,nosuid,nodev,noexec");
	if (r)
		launch_err("out of memory");
	return r;
}

/* NAME=VALUE in @process's env, unless it sets NAME itself. */
static int set_env(struct oci_bundle *b, json_t *process, const char *name,
		   const char *value)
{
	size_t i, n = strlen(name);
	json_t *env, *v;
	char *entry;
	int r = 0;

	if (!json_is_object(process)) {
		launch_err("%s: no \"process\" object", b->path);
		return -EINVAL;
	}
	env = array_of(b, process, "env");
	if (!env)
		return -EINVAL;
	json_array_foreach (env, i, v) {
		const char *s = json_string_value(v);

		/* the container's own choice stands */
		if (s && !strncmp(s, name, n) && s[n] == '=')
			return 0;
	}
	if (asprintf(&entry, "%s=%s", name, value) < 0)
		return -ENOMEM;
	if (json_array_append_new(env, json_string(entry)) < 0)
		r = -ENOMEM;
	free(entry);
	return r;
}

int oci_bundle_set_env(struct oci_bundle *b, const char *name,
		       const char *value)
{
	return set_env(b, json_object_get(b->root, "process"), name, value);
}

int oci_bundle_write(struct oci_bundle *b)
{
	char tmp[PATH_MAX];
	struct stat st;
	int fd, r = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.pag.XXXXXX", b->path) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	if (stat(b->path, &st) < 0 || (fd = mkstemp(tmp)) < 0) {
		r = -errno;
		launch_err("cannot rewrite %s: %s", b->path, strerror(-r));
		return r;
	}
	if (fchmod(fd, st.st_mode & 07777) < 0 ||
	    json_dumpfd(b->root, fd, JSON_COMPACT) < 0 || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, b->path) < 0)
		r = -errno;
	if (r) {
		unlink(tmp);
		launch_err("cannot rewrite %s: %s", b->path, strerror(-r));
	}
	return r;
}

void oci_bundle_free(struct oci_bundle *b, struct oci_request *req)
{
	for (int i = 0; req && i < req->n_domains; i++)
		free(req->domains[i]);
	if (req)
		free(req->domains);
	if (!b)
		return;
	json_decref(b->root);
	free(b->path);
	free(b);
}

/* The same in exec's --process FILE, whose root is the process. */
int oci_process_set_env(const char *path, const char *name, const char *value)
{
	struct oci_bundle b = { .path = (char *)path };
	json_error_t err;
	int r;

	b.root = json_load_file(path, 0, &err);
	if (!b.root) {
		launch_err("cannot read the process's %s: %s (line %d)", path,
			   err.text, err.line);
		return -EINVAL;
	}
	r = set_env(&b, b.root, name, value);
	if (!r)
		r = oci_bundle_write(&b);
	json_decref(b.root);
	return r;
}
