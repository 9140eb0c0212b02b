# SPDX-License-Identifier: GPL-2.0
#
# Userspace: libpag, and (as they arrive) pagd and its parts.

.PHONY: lib
userspace: lib
lib:

# libpag: the peer API (socket tags by PAG, fences), userspace/lib/peer.c.
LIBPAG_OBJS	+= $(O)/userspace/lib/peer.o
lib: $(LIBPAG_OBJS)
