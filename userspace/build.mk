# SPDX-License-Identifier: GPL-2.0
#
# Userspace: libpag, and (as they arrive) pagd and its parts.

.PHONY: lib
userspace: lib
lib:
include userspace/afs/build.mk
include userspace/pagd/build.mk
