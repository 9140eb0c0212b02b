/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The listening unix sockets of pagd's responders (NSS, PAM, KCM), and
 * accepting a connection of a server that keeps state per connection:
 * pagd's private D-Bus socket and its responders' sockets.
 */
#ifndef PAG_COMMON_SOCKUTIL_H
#define PAG_COMMON_SOCKUTIL_H

#include <stddef.h>
#include <sys/types.h>

/*
 * listen_unix() - a listening stream socket at @path, non-blocking and
 * close-on-exec, mode @mode, replacing whatever socket was left there.
 *
 * Return: its descriptor, or a negative errno, logged with the path.
 */
int listen_unix(const char *path, mode_t mode);

/*
 * accept_conn() - accept a connection on the listening socket @fd,
 * non-blocking and close-on-exec, and @size zeroed bytes for its state
 * in *@conn (the caller frees them).
 *
 * Return: the connection's descriptor, or a negative errno with nothing
 * left open or allocated.
 */
int accept_conn(int fd, size_t size, void **conn);

#endif /* PAG_COMMON_SOCKUTIL_H */
