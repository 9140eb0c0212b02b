// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of the pag BPF LSM program.
 *
 * Layout under PAG_BPF_PIN_DIR (0755; pins are 0600, root's):
 *   tags, fences     the two sk_storage maps
 *   links/<program>  one link per program; while pinned, the program stays
 *                    attached after the loader exits
 *   lock             an empty directory, 0700
 * Loads and unloads hold an exclusive flock on lock (so do libpag's fence
 * writes), so two loaders at once are as harmless as one after the other.
 * The lock is a directory of its own because only root can open it: any
 * user could open, and so hold a lock on, the 0755 pin directory.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pag.h>
#include <linux/pag_bpf.h>

#include "bpf/pag_lsm.skel.h"
#include "common/fsutil.h"
#include "loader.h"
#include "pag/peer.h"

#define MAX_PROGS 16
/* Length of PAG_KEYRING_PREFIX, which the program compares. */
#define PAG_PREFIX_LEN 5

struct pinned_map {
	const char *path;
	struct bpf_map *(*get)(struct pag_lsm *skel);
};

static struct bpf_map *map_tags(struct pag_lsm *skel)
{
	return skel->maps.pag_sock_tags;
}

static struct bpf_map *map_fences(struct pag_lsm *skel)
{
	return skel->maps.pag_fences;
}

static const struct pinned_map pinned_maps[] = {
	{ PAG_BPF_PIN_TAGS, map_tags },
	{ PAG_BPF_PIN_FENCES, map_fences },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int link_path(char *buf, size_t len, const struct bpf_program *prog)
{
	int n = snprintf(buf, len, "%s/%s", PAG_BPF_PIN_LINKS,
			 bpf_program__name(prog));

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int make_dir(const char *path, mode_t mode)
{
	int err = mkdir_p(path, mode);

	if (err)
		fprintf(stderr, "pag bpf: cannot create %s: %s\n", path,
			strerror(-err));
	return err;
}

/* Exclusive lock on PAG_BPF_PIN_LOCK, created (and the pin dir) if need be. */
static int lock_dir(void)
{
	int fd, err;

	err = make_dir(PAG_BPF_PIN_LOCK, 0700);
	if (err)
		return err;
	fd = open(PAG_BPF_PIN_LOCK, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		err = -errno;
		fprintf(stderr, "pag bpf: cannot lock %s: %s\n",
			PAG_BPF_PIN_LOCK, strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	return fd;
}

/*
 * Are all programs of @skel attached through a pinned link?  Each link is
 * reported to @fn, when given.
 */
static bool all_links_pinned(struct pag_lsm *skel, bpfload_pin_fn fn, void *ctx)
{
	struct bpf_program *prog;
	char path[PATH_MAX];
	bool all = true;

	bpf_object__for_each_program(prog, skel->obj)
	{
		bool here;

		if (link_path(path, sizeof(path), prog))
			return false;
		here = !access(path, F_OK);
		if (fn)
			fn(ctx, "link", bpf_program__name(prog), here);
		all = all && here;
	}
	return all;
}

/*
 * Is the pinned map @fd the map @map of this program (type, key and value
 * sizes)?  The value layouts changed when tags and fences gained creation
 * times; libbpf would adopt an old map's sizes and the verifier would then
 * refuse the programs with a message that says nothing of the cause.
 */
static int check_layout(const char *path, int fd, const struct bpf_map *map)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "pag bpf: cannot inspect pinned map %s: %s\n",
			path, strerror(errno));
		return -errno;
	}
	if (info.type == bpf_map__type(map) &&
	    info.key_size == bpf_map__key_size(map) &&
	    info.value_size == bpf_map__value_size(map))
		return 0;
	fprintf(stderr,
		"pag bpf: pinned map %s was made by another version of pag "
		"(%u-byte values, this one needs %u): it cannot be reused.  "
		"'pag bpf unload --purge' drops it, and every tag and fence in "
		"it; load again afterwards and set the fences anew\n",
		path, info.value_size, bpf_map__value_size(map));
	return -EEXIST;
}

/* Make @skel use the maps already pinned, so no tag or fence is lost. */
static int reuse_maps(struct pag_lsm *skel)
{
	struct bpf_obj_get_opts opts = {
		.sz = sizeof(opts),
		.file_flags = BPF_F_RDONLY,
	};
	size_t i;
	int fd, err;

	for (i = 0; i < ARRAY_SIZE(pinned_maps); i++) {
		const char *path = pinned_maps[i].path;

		/* Read-only: the running program refuses writable fds. */
		fd = bpf_obj_get_opts(path, &opts);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0) {
			err = -errno;
			fprintf(stderr,
				"pag bpf: cannot open pinned map %s: %s\n",
				path, strerror(-err));
			return err;
		}
		err = check_layout(path, fd, pinned_maps[i].get(skel));
		if (!err)
			err = bpf_map__reuse_fd(pinned_maps[i].get(skel), fd);
		close(fd);
		if (err == -EEXIST)
			return err;
		if (err) {
			fprintf(stderr,
				"pag bpf: pinned map %s does not match this "
				"program (%s); 'pag bpf unload --purge' drops "
				"it\n",
				path, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Write the keyring prefix and freeze the map, before anything runs. */
static int configure(struct pag_lsm *skel, const char *keyring_prefix)
{
	int fd = bpf_map__fd(skel->maps.pag_config);
	char prefix[PAG_PREFIX_LEN];
	__u32 zero = 0;

	memcpy(prefix, keyring_prefix, sizeof(prefix));
	if (bpf_map_update_elem(fd, &zero, prefix, BPF_ANY) ||
	    bpf_map_freeze(fd)) {
		fprintf(stderr, "pag bpf: cannot configure the program: %s\n",
			strerror(errno));
		return -errno;
	}
	return 0;
}

static int pin_maps(struct pag_lsm *skel)
{
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(pinned_maps); i++) {
		const char *path = pinned_maps[i].path;

		if (!access(path, F_OK))
			continue;
		err = bpf_map__pin(pinned_maps[i].get(skel), path);
		if (err) {
			fprintf(stderr, "pag bpf: cannot pin map at %s: %s\n",
				path, strerror(-err));
			return err;
		}
	}
	return 0;
}

/*
 * Attach every program and pin its link in place of the old one.  The new
 * link is attached before the old pin goes, so there is no moment with no
 * program; for that moment both tag, identically.
 */
static int attach_and_pin(struct pag_lsm *skel)
{
	struct bpf_link *links[MAX_PROGS] = { NULL };
	struct bpf_program *prog;
	char path[PATH_MAX];
	int n = 0, i, old, err = 0;

	bpf_object__for_each_program(prog, skel->obj)
	{
		if (n == MAX_PROGS) {
			err = -E2BIG;
			goto out;
		}
		links[n] = bpf_program__attach(prog);
		if (!links[n]) {
			err = -errno;
			fprintf(stderr, "pag bpf: cannot attach %s: %s\n",
				bpf_program__name(prog), strerror(-err));
			goto out;
		}
		n++;
	}
	i = 0;
	bpf_object__for_each_program(prog, skel->obj)
	{
		err = link_path(path, sizeof(path), prog);
		if (err)
			goto out;
		/* The old programs detach at close(old) (see unpin_link()). */
		old = bpf_obj_get(path);
		err = unlink(path) && errno != ENOENT ? -errno : 0;
		if (old >= 0)
			close(old);
		if (err) {
			fprintf(stderr, "pag bpf: cannot replace %s: %s\n",
				path, strerror(-err));
			goto out;
		}
		err = bpf_link__pin(links[i++], path);
		if (err) {
			fprintf(stderr, "pag bpf: cannot pin link at %s: %s\n",
				path, strerror(-err));
			goto out;
		}
	}
out:
	/* Closing our fds leaves pinned links attached, the rest detached. */
	for (i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	return err;
}

static int unpin_stale_links(struct pag_lsm *skel);

int bpfload_load(bool force)
{
	return bpfload_load_prefix(force, PAG_KEYRING_PREFIX);
}

int bpfload_load_prefix(bool force, const char *keyring_prefix)
{
	struct pag_lsm *skel;
	char why[512];
	int state, lock, err;

	if (strlen(keyring_prefix) != PAG_PREFIX_LEN)
		return -EINVAL;
	state = pag_bpf_probe(why, sizeof(why));
	if (state != PAG_BPF_ACTIVE && state != PAG_BPF_NOT_LOADED) {
		fprintf(stderr, "pag bpf: cannot load: %s\n", why);
		return -EOPNOTSUPP;
	}
	lock = lock_dir();
	if (lock < 0)
		return lock;
	skel = pag_lsm__open();
	if (!skel) {
		err = -errno;
		fprintf(stderr, "pag bpf: cannot open the BPF object: %s\n",
			strerror(-err));
		goto out_unlock;
	}
	if (!force && !access(PAG_BPF_PIN_TAGS, F_OK) &&
	    !access(PAG_BPF_PIN_FENCES, F_OK) &&
	    all_links_pinned(skel, NULL, NULL)) {
		err = 0;
		goto out_destroy;
	}
	err = make_dir(PAG_BPF_PIN_LINKS, 0755);
	if (!err)
		err = reuse_maps(skel);
	if (err)
		goto out_destroy;
	err = pag_lsm__load(skel);
	if (err) {
		fprintf(stderr,
			"pag bpf: the kernel refused the BPF programs: %s\n",
			strerror(-err));
		goto out_destroy;
	}
	err = configure(skel, keyring_prefix);
	if (!err)
		err = pin_maps(skel);
	if (!err)
		err = attach_and_pin(skel);
	if (!err)
		err = unpin_stale_links(skel);
out_destroy:
	pag_lsm__destroy(skel);
out_unlock:
	/* Leave no empty directories behind a failed first load. */
	if (err && !rmdir(PAG_BPF_PIN_LINKS) &&
	    access(PAG_BPF_PIN_TAGS, F_OK) &&
	    access(PAG_BPF_PIN_FENCES, F_OK) && !rmdir(PAG_BPF_PIN_LOCK))
		rmdir(PAG_BPF_PIN_DIR);
	close(lock);
	return err;
}

static int unpin(const char *path)
{
	if (!unlink(path) || errno == ENOENT)
		return 0;
	fprintf(stderr, "pag bpf: cannot remove %s: %s\n", path,
		strerror(errno));
	return -errno;
}

/*
 * Unpin a link while holding it, so that the programs are detached by our
 * close(), before `pag bpf unload` returns: dropping the last reference
 * from the pin detaches synchronously on 6.1, but 6.12's bpf_link_put()
 * only queues the detach on a workqueue.
 */
static int unpin_link(const char *path)
{
	int fd = bpf_obj_get(path);
	int err = unpin(path);

	if (fd >= 0)
		close(fd);
	return err;
}

/*
 * Detach the links an older pag pinned for programs this one no longer
 * has (pag_socket_post_create tagged every socket at creation): left
 * pinned, they would stay attached behind the new programs' backs.
 */
static int unpin_stale_links(struct pag_lsm *skel)
{
	struct bpf_program *prog;
	char path[PATH_MAX];
	struct dirent *de;
	bool known;
	DIR *dir;
	int err = 0;

	dir = opendir(PAG_BPF_PIN_LINKS);
	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		known = false;
		bpf_object__for_each_program(prog, skel->obj) known |=
			!strcmp(de->d_name, bpf_program__name(prog));
		if (known)
			continue;
		snprintf(path, sizeof(path), "%s/%s", PAG_BPF_PIN_LINKS,
			 de->d_name);
		err = err ?: unpin_link(path);
	}
	if (dir)
		closedir(dir);
	return err;
}

int bpfload_unload(bool purge)
{
	char path[PATH_MAX];
	struct dirent *de;
	size_t i;
	DIR *dir;
	int lock, err = 0;

	if (access(PAG_BPF_PIN_DIR, F_OK))
		return 0;
	lock = lock_dir();
	if (lock < 0)
		return lock;
	dir = opendir(PAG_BPF_PIN_LINKS);
	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", PAG_BPF_PIN_LINKS,
			 de->d_name);
		err = err ?: unpin_link(path);
	}
	if (dir)
		closedir(dir);
	if (!err && rmdir(PAG_BPF_PIN_LINKS) && errno != ENOENT)
		err = -errno;
	for (i = 0; purge && !err && i < ARRAY_SIZE(pinned_maps); i++)
		err = unpin(pinned_maps[i].path);
	/* Removing the directory we hold a lock on is fine; it goes with us. */
	if (purge && !err && rmdir(PAG_BPF_PIN_LOCK) && errno != ENOENT)
		err = -errno;
	if (purge && !err && rmdir(PAG_BPF_PIN_DIR) && errno != ENOENT)
		err = -errno;
	close(lock);
	return err;
}

const char *bpfload_state_name(int state)
{
	switch (state) {
	case PAG_BPF_ACTIVE:
		return "active";
	case PAG_BPF_NOT_LOADED:
		return "not loaded";
	default:
		return "unavailable";
	}
}

int bpfload_status(char *why, size_t len, bpfload_pin_fn fn, void *ctx)
{
	struct pag_lsm *skel;
	size_t i;
	int state;

	state = pag_bpf_probe(why, len);
	if (state > PAG_BPF_NOT_LOADED)
		return state;
	skel = pag_lsm__open();
	if (!skel || !all_links_pinned(skel, fn, ctx))
		state = PAG_BPF_NOT_LOADED;
	pag_lsm__destroy(skel);
	for (i = 0; fn && i < ARRAY_SIZE(pinned_maps); i++)
		fn(ctx, "map", pinned_maps[i].path,
		   !access(pinned_maps[i].path, F_OK));
	return state;
}
