/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A crowd: many threads, each holding a session keyring of its own (a PAG,
 * or for comparison a plain anonymous keyring) until released.  Session
 * keyrings belong to a thread's credentials, so one process holds
 * thousands of PAGs for the price of small thread stacks; each ends when
 * its thread exits.  Used by the scale test and benchmark.
 */
#ifndef PAG_TESTS_CROWD_H
#define PAG_TESTS_CROWD_H

#include <limits.h>
#include <pthread.h>
#include <sys/ioctl.h>

#include <keyutils.h>
#include <linux/pag.h>

#include "pag_util.h"

enum crowd_kind {
	CROWD_PAG,
	CROWD_KEYRING
};

struct crowd {
	enum crowd_kind kind;
	int dev;	/* /dev/pag, for CROWD_PAG */
	int n, started; /* threads asked for, threads running */
	int32_t *ids;	/* each thread's keyring serial (PAG id) */
	int failed;	/* errno of the first thread that failed */
	pthread_t *threads;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int ready; /* threads holding their keyring */
	int released;
};

struct crowd_seat {
	struct crowd *c;
	int i;
};

static void *crowd_member(void *arg)
{
	struct crowd_seat *seat = arg;
	struct crowd *c = seat->c;
	int32_t id;

	if (c->kind == CROWD_PAG)
		id = ioctl(c->dev, PAG_IOC_NEW, 0);
	else
		id = keyctl_join_session_keyring(NULL);
	pthread_mutex_lock(&c->lock);
	if (id > 0)
		c->ids[seat->i] = id;
	else if (!c->failed)
		c->failed = errno ? errno : EIO;
	c->ready++;
	pthread_cond_broadcast(&c->cond);
	while (!c->released)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
	free(seat);
	return NULL;
}

/*
 * Start @n threads, each holding a new keyring of @kind, and wait until
 * all hold it.  Returns 0, or a negative errno (the crowd is then
 * released and joined).
 */
static inline int crowd_release(struct crowd *c);

static inline int crowd_start(struct crowd *c, enum crowd_kind kind, int n)
{
	pthread_attr_t attr;
	int err = 0;

	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->n = n;
	c->dev = -1;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	c->ids = calloc(n, sizeof(*c->ids));
	c->threads = calloc(n, sizeof(*c->threads));
	if (!c->ids || !c->threads)
		return -ENOMEM;
	if (kind == CROWD_PAG) {
		c->dev = open("/dev/pag", O_RDWR | O_CLOEXEC);
		if (c->dev < 0)
			return -errno;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN + 16384);
	for (; c->started < n; c->started++) {
		struct crowd_seat *seat = malloc(sizeof(*seat));

		if (!seat) {
			err = -ENOMEM;
			break;
		}
		seat->c = c;
		seat->i = c->started;
		err = -pthread_create(&c->threads[c->started], &attr,
				      crowd_member, seat);
		if (err) {
			free(seat);
			break;
		}
	}
	pthread_attr_destroy(&attr);
	pthread_mutex_lock(&c->lock);
	while (c->ready < c->started)
		pthread_cond_wait(&c->cond, &c->lock);
	if (!err && c->failed)
		err = -c->failed;
	pthread_mutex_unlock(&c->lock);
	if (err)
		crowd_release(c);
	return err;
}

/* Let every thread exit (ending its keyring), join them, free the crowd. */
static inline int crowd_release(struct crowd *c)
{
	pthread_mutex_lock(&c->lock);
	c->released = 1;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	for (int i = 0; i < c->started; i++)
		pthread_join(c->threads[i], NULL);
	if (c->dev >= 0)
		close(c->dev);
	free(c->threads);
	free(c->ids);
	c->threads = NULL;
	c->ids = NULL;
	c->started = 0;
	return 0;
}

#endif /* PAG_TESTS_CROWD_H */
