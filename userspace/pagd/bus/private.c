// SPDX-License-Identifier: GPL-2.0
/*
 * The private bus server: RUN_DIR/private/bus, a D-Bus peer-to-peer
 * connection per client, for hosts without a system bus.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <systemd/sd-id128.h>

#include "common/fsutil.h"
#include "common/log.h"
#include "common/sockutil.h"
#include "pagd/pagd.h"
#include "bus.h"

void bus_conn_free(struct bus_conn *c)
{
	sd_event_source_disable_unref(c->reap);
	sd_bus_flush_close_unref(c->bus);
	if (c->next)
		c->next->pprev = c->pprev;
	*c->pprev = c->next;
	free(c);
}

/* Freeing a bus from inside its own callback is not safe: defer it. */
static int conn_reap(sd_event_source *s, void *ud)
{
	bus_conn_free(ud);
	return 0;
}

static int conn_disconnected(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	struct bus_conn *c = ud;

	if (!c->reap &&
	    sd_event_add_defer(c->p->event, &c->reap, conn_reap, c) >= 0)
		sd_event_source_set_enabled(c->reap, SD_EVENT_ONESHOT);
	return 0;
}

static int private_accept(sd_event_source *s, int fd, uint32_t revents,
			  void *ud)
{
	struct pagd *p = ud;
	struct bus_conn *c;
	sd_id128_t id;
	int cfd, r;

	cfd = accept_conn(fd, sizeof(*c), (void **)&c);
	if (cfd < 0)
		return 0;
	c->p = p;
	r = sd_bus_new(&c->bus);
	if (r >= 0)
		r = sd_bus_set_fd(c->bus, cfd, cfd);
	if (r < 0) {
		close(cfd);
		goto fail;
	}
	r = sd_id128_randomize(&id);
	if (r >= 0)
		r = sd_bus_set_server(c->bus, 1, id);
	if (r >= 0)
		r = sd_bus_add_object_vtable(c->bus, NULL, PAGD_BUS_PATH,
					     PAGD_BUS_INTERFACE, bus_vtable, p);
	if (r >= 0)
		r = sd_bus_match_signal(c->bus, NULL,
					"org.freedesktop.DBus.Local",
					"/org/freedesktop/DBus/Local",
					"org.freedesktop.DBus.Local",
					"Disconnected", conn_disconnected, c);
	if (r >= 0)
		r = sd_bus_start(c->bus);
	if (r >= 0)
		r = sd_bus_attach_event(c->bus, p->event, 0);
	if (r < 0)
		goto fail;
	c->next = p->bus_conns;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &p->bus_conns;
	p->bus_conns = c;
	return 0;
fail:
	log_errno(LOG_WARNING, r, "private bus connection failed: %m");
	sd_bus_flush_close_unref(c->bus);
	free(c);
	return 0;
}

int bus_private_listen(struct pagd *p)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *dir = NULL;
	gid_t gid = p->cfg->has_admin_group ? p->cfg->admin_gid : 0;
	mode_t mode = p->cfg->has_admin_group ? 0750 : 0700;
	int fd = -1, r;

	if (asprintf(&dir, "%s/private", p->cfg->run_dir) < 0)
		return -ENOMEM;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/bus", dir);
	r = mkdir_exact_mode(dir, mode);
	if (r == 0 && chown(dir, 0, gid) < 0)
		r = -errno;
	if (r < 0) {
		log_errno(LOG_ERR, r, "cannot create %s: %m", dir);
		goto out;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chown(sa.sun_path, 0, gid) < 0 || chmod(sa.sun_path, 0660) < 0 ||
	    listen(fd, 16) < 0) {
		r = log_errno(LOG_ERR, -errno, "cannot listen on %s: %m",
			      sa.sun_path);
		goto out;
	}
	r = sd_event_add_io(p->event, &p->bus_listen, fd, EPOLLIN,
			    private_accept, p);
	if (r < 0)
		goto out;
	p->bus_fd = fd;
	fd = -1;
	log_debug("management API on unix:path=%s", sa.sun_path);
out:
	if (fd >= 0)
		close(fd);
	free(dir);
	return r;
}
