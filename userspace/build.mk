# SPDX-License-Identifier: GPL-2.0
#
# Userspace: libpag, and (as they arrive) pagd and its parts.
#
# libpag is built three ways from the same objects: build/lib/libpag.so.0
# (exports only pag_*; LIBPAG_0 in libpag.map), the libpag.so link for
# linkers, and build/lib/libpag.a for tests, which also reach its internals.

PAG_VERSION	:= 0.1.0
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
MANDIR		?= $(PREFIX)/share/man
PKGCONFIGDIR	?= $(LIBDIR)/pkgconfig

LIBPAG_OBJS	:= $(patsubst %.c,$(O)/%.o,$(wildcard userspace/lib/*.c))
LIBPAG_LIBS	:= -lmnl -lkeyutils -lbpf
LIBPAG_A	:= $(O)/lib/libpag.a
LIBPAG_SO	:= $(O)/lib/libpag.so.0

$(LIBPAG_OBJS): ALL_CFLAGS += -fvisibility=hidden

.PHONY: lib install install-lib
userspace: lib
lib: $(LIBPAG_A) $(LIBPAG_SO) $(O)/lib/libpag.so $(O)/lib/libpag.pc

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

$(O)/lib/libpag.pc: userspace/lib/libpag.pc.in userspace/build.mk
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(PAG_VERSION)|' \
		$< > $@

install: install-lib
install-lib: lib
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)/pag $(DESTDIR)$(INCLUDEDIR)/linux
	install -m 0755 $(LIBPAG_SO) $(DESTDIR)$(LIBDIR)/libpag.so.0
	ln -sf libpag.so.0 $(DESTDIR)$(LIBDIR)/libpag.so
	install -m 0644 $(LIBPAG_A) $(DESTDIR)$(LIBDIR)/libpag.a
	install -m 0644 $(O)/lib/libpag.pc $(DESTDIR)$(PKGCONFIGDIR)/libpag.pc
	install -m 0644 userspace/include/pag/pag.h $(DESTDIR)$(INCLUDEDIR)/pag/
	install -m 0644 uapi/linux/pag.h $(DESTDIR)$(INCLUDEDIR)/linux/

include userspace/afs/build.mk
include userspace/pagd/build.mk
