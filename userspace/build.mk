# SPDX-License-Identifier: GPL-2.0
#
# Userspace: libpag, pagd and its parts, and the PAM module.
#
# libpag is built three ways from the same objects: build/lib/libpag.so.0
# (exports only pag_*; version nodes LIBPAG_0 and LIBPAG_0.2 in
# libpag.map), the libpag.so link for linkers, and build/lib/libpag.a for
# tests, which also reach its internals.


LIBPAG_OBJS	:= $(patsubst %.c,$(O)/%.o,$(wildcard userspace/lib/*.c))
LIBPAG_LIBS	:= -lmnl -lkeyutils -lbpf
LIBPAG_A	:= $(O)/lib/libpag.a
LIBPAG_SO	:= $(O)/lib/libpag.so.0

$(LIBPAG_OBJS): ALL_CFLAGS += -fvisibility=hidden

.PHONY: lib
userspace: lib
lib: $(LIBPAG_A) $(LIBPAG_SO) $(O)/lib/libpag.so

$(LIBPAG_A): $(LIBPAG_OBJS)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(LIBPAG_SO): $(LIBPAG_OBJS) userspace/lib/libpag.map
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,libpag.so.0 \
		-Wl,--version-script=userspace/lib/libpag.map -Wl,-z,defs \
		$(LIBPAG_OBJS) -o $@ $(ALL_LDFLAGS) $(LIBPAG_LIBS)

$(O)/lib/libpag.so: $(LIBPAG_SO)
	$(Q)ln -sf libpag.so.0 $@

include userspace/common/build.mk
include userspace/afs/build.mk
include userspace/pagd-client/build.mk
include userspace/pagd/build.mk
include userspace/pam/build.mk
