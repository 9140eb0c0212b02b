// SPDX-License-Identifier: GPL-2.0
/*
 * libpagd-client without pagd: what each error means (pagd_client_errno()),
 * and the wrappers against a stand-in server on a private socket that
 * answers as pagd does, so that a refusal reaches the caller as its errno
 * and pagd's message.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <systemd/sd-id128.h>

#include "pagd-client/client.h"
#include "kselftest_harness.h"

static int errno_of(const char *name, int r)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int err;

	sd_bus_error_set(&e, name, "why");
	err = pagd_client_errno(&e, r);
	sd_bus_error_free(&e);
	return err;
}

TEST(errno_of_pagds_errors)
{
	EXPECT_EQ(-EINVAL, errno_of(PAGD_ERROR_INVALID, -EIO));
	EXPECT_EQ(-ENXIO, errno_of(PAGD_ERROR_UNKNOWN_DOMAIN, -EIO));
	EXPECT_EQ(-ENOENT, errno_of(PAGD_ERROR_NOT_BOUND, -EIO));
	EXPECT_EQ(-ENOKEY, errno_of(PAGD_ERROR_KEYTAB, -EIO));
	EXPECT_EQ(-ESTALE, errno_of(PAGD_ERROR_STALE, -EIO));
	EXPECT_EQ(-ESRCH, errno_of(PAGD_ERROR_NO_SUCH_PAG, -EIO));
	EXPECT_EQ(-ENODEV, errno_of(PAGD_ERROR_UNKNOWN_PROFILE, -EIO));
	EXPECT_EQ(-EPERM, errno_of(PAGD_ERROR_NOT_IN_PROFILE, -EIO));
}

TEST(errno_of_the_bus)
{
	EXPECT_EQ(-EACCES, errno_of(SD_BUS_ERROR_ACCESS_DENIED, -EACCES));
	EXPECT_EQ(-EOPNOTSUPP, errno_of(SD_BUS_ERROR_UNKNOWN_METHOD, -EIO));
	EXPECT_EQ(-EHOSTDOWN, errno_of(SD_BUS_ERROR_SERVICE_UNKNOWN, -EIO));
	EXPECT_EQ(-EHOSTDOWN, errno_of(SD_BUS_ERROR_NO_REPLY, -ETIMEDOUT));
	EXPECT_EQ(-EHOSTDOWN, errno_of(SD_BUS_ERROR_DISCONNECTED, -ECONNRESET));
	/* pagd's own failure: its errno is about pagd, not the caller */
	EXPECT_EQ(-EPROTO,
		  errno_of("org.freedesktop.DBus.Error.FileNotFound", -ENOENT));
	/* failures without an answer */
	EXPECT_EQ(-EHOSTDOWN, pagd_client_errno(NULL, -ENOENT));
	EXPECT_EQ(-EHOSTDOWN, pagd_client_errno(NULL, -ECONNREFUSED));
	EXPECT_EQ(-EHOSTDOWN, pagd_client_errno(NULL, -ENOTCONN));
	EXPECT_EQ(-ENOMEM, pagd_client_errno(NULL, -ENOMEM));
}

TEST(nobody_there)
{
	struct pagd_client c;

	EXPECT_EQ(-EHOSTDOWN,
		  pagd_client_open(&c, "unix:path=/nonexistent/pagd/bus"));
	EXPECT_STREQ("No such file or directory", pagd_client_error(&c));
	pagd_client_close(&c);
}

/* The stand-in pagd: Bind refuses as for a gone PAG, ListBindings has 2. */
static int fake_bind(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	int32_t pag;
	uint64_t ns;

	if (sd_bus_message_read(m, "it", &pag, &ns) < 0)
		return -EINVAL;
	return sd_bus_error_setf(e, PAGD_ERROR_STALE,
				 "PAG %d created at %llu is gone", pag,
				 (unsigned long long)ns);
}

static int fake_list_bindings(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	sd_bus_message *reply = NULL;
	int r;

	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_append(reply, "a(itas)", 2, 7, (uint64_t)70,
					  2, "a.example", "b.example", 9,
					  (uint64_t)90, 0);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

/* BindProfile refuses, naming what it was given: the arguments arrived. */
static int fake_bind_profile(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	const char *profile, *principal;
	char **domains = NULL;
	int32_t pag;
	uint64_t ns;
	int r;

	r = sd_bus_message_read(m, "its", &pag, &ns, &profile);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &domains);
	if (r >= 0)
		r = sd_bus_message_read(m, "s", &principal);
	if (r < 0)
		return r;
	r = sd_bus_error_setf(
		e, PAGD_ERROR_NOT_IN_PROFILE, "%d %llu %s [%s] '%s'", pag,
		(unsigned long long)ns, profile,
		domains && domains[0] ? domains[0] : "", principal);
	for (char **d = domains; d && *d; d++)
		free(*d);
	free(domains);
	return r;
}

static int fake_list_profiles(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	sd_bus_message *reply = NULL;
	int r;

	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_append(
			reply, "a(sasass)", 2, "web", 1, "a.example", 2, "p1@R",
			"p2@R", "/etc/pag/web.keytab", "plain", 0, 0, "");
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

static const sd_bus_vtable fake_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD(PAGD_METHOD_BIND, "itas", "", fake_bind, 0),
	SD_BUS_METHOD(PAGD_METHOD_LIST_BINDINGS, "", "a(itas)",
		      fake_list_bindings, 0),
	SD_BUS_METHOD(PAGD_METHOD_BIND_PROFILE, "itsass", "", fake_bind_profile,
		      0),
	SD_BUS_METHOD(PAGD_METHOD_LIST_PROFILES, "", "a(sasass)",
		      fake_list_profiles, 0),
	SD_BUS_VTABLE_END
};

/* Serves one connection on @fd until the client goes. */
static void serve(int fd)
{
	sd_bus *bus = NULL;
	sd_id128_t id;
	int cfd = accept(fd, NULL, NULL);

	if (cfd < 0 || sd_bus_new(&bus) < 0 ||
	    sd_bus_set_fd(bus, cfd, cfd) < 0 || sd_id128_randomize(&id) < 0 ||
	    sd_bus_set_server(bus, 1, id) < 0 ||
	    sd_bus_add_object_vtable(bus, NULL, PAGD_BUS_PATH,
				     PAGD_BUS_INTERFACE, fake_vtable,
				     NULL) < 0 ||
	    sd_bus_start(bus) < 0)
		_exit(1);
	for (;;) {
		int r = sd_bus_process(bus, NULL);

		if (r < 0)
			_exit(0);
		if (r == 0 && sd_bus_wait(bus, UINT64_MAX) < 0)
			_exit(0);
	}
}

struct seen {
	int n;
	char line[2][64];
};

static int note_binding(const struct pagd_binding *b, void *ud)
{
	struct seen *s = ud;
	char *l = s->line[s->n++ % 2];
	int off = snprintf(l, 64, "%d %llu", b->pag,
			   (unsigned long long)b->created_ns);

	for (char **d = b->domains; *d; d++)
		off += snprintf(l + off, 64 - off, " %s", *d);
	return 0;
}

static int note_profile(const struct pagd_profile *p, void *ud)
{
	struct seen *s = ud;
	char *l = s->line[s->n++ % 2];
	int off = snprintf(l, 64, "%s", p->name);

	for (char **d = p->domains; *d; d++)
		off += snprintf(l + off, 64 - off, " %s", *d);
	for (char **d = p->principals; *d; d++)
		off += snprintf(l + off, 64 - off, " %s", *d);
	snprintf(l + off, 64 - off, " [%s]", p->keytab);
	return 0;
}

FIXTURE(server)
{
	char dir[64];
	char address[128];
	pid_t pid;
	struct pagd_client c;
};

FIXTURE_SETUP(server)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	strcpy(self->dir, "/tmp/pagd-client-test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/bus", self->dir);
	snprintf(self->address, sizeof(self->address), "unix:path=%s",
		 sa.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(fd, 1));
	self->pid = fork();
	ASSERT_LE(0, self->pid);
	if (self->pid == 0)
		serve(fd);
	close(fd);
	ASSERT_EQ(0, pagd_client_open(&self->c, self->address));
}

FIXTURE_TEARDOWN(server)
{
	char path[128];

	pagd_client_close(&self->c);
	waitpid(self->pid, NULL, 0);
	snprintf(path, sizeof(path), "%s/bus", self->dir);
	unlink(path);
	rmdir(self->dir);
}

TEST_F(server, refusal_is_errno_and_message)
{
	char *domains[] = { "a.example" };

	EXPECT_EQ(-ESTALE, pagd_client_bind(&self->c, 7, 70, domains, 1));
	EXPECT_STREQ("PAG 7 created at 70 is gone",
		     pagd_client_error(&self->c));
}

TEST_F(server, list_hands_each_entry)
{
	struct seen s = {};

	EXPECT_EQ(0, pagd_client_list_bindings(&self->c, note_binding, &s));
	EXPECT_EQ(2, s.n);
	EXPECT_STREQ("7 70 a.example b.example", s.line[0]);
	EXPECT_STREQ("9 90", s.line[1]);
}

TEST_F(server, bind_profile_sends_every_argument)
{
	char *domains[] = { "a.example" };

	EXPECT_EQ(-EPERM, pagd_client_bind_profile(&self->c, 7, 70, "web",
						   domains, 1, "p2@R"));
	EXPECT_STREQ("7 70 web [a.example] 'p2@R'",
		     pagd_client_error(&self->c));
	/* no principal: an empty string, pagd's "the profile's first" */
	EXPECT_EQ(-EPERM, pagd_client_bind_profile(&self->c, 7, 0, "web", NULL,
						   0, NULL));
	EXPECT_STREQ("7 0 web [] ''", pagd_client_error(&self->c));
}

TEST_F(server, list_profiles)
{
	struct seen s = {};

	EXPECT_EQ(0, pagd_client_list_profiles(&self->c, note_profile, &s));
	EXPECT_EQ(2, s.n);
	EXPECT_STREQ("web a.example p1@R p2@R [/etc/pag/web.keytab]",
		     s.line[0]);
	EXPECT_STREQ("plain []", s.line[1]);
}

TEST_F(server, unknown_method)
{
	EXPECT_EQ(-EOPNOTSUPP, pagd_client_reload(&self->c));
}

TEST_HARNESS_MAIN
