/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Accepting a connection of a server that keeps state per connection:
 * pagd's private D-Bus socket and its NSS responder's sockets.
 */
#ifndef PAG_COMMON_SOCKUTIL_H
#define PAG_COMMON_SOCKUTIL_H

#include <stddef.h>

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
