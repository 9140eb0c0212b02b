# SPDX-License-Identifier: GPL-2.0
#
# Installation at FHS paths: `make install DESTDIR=... PREFIX=/usr`, and
# `make uninstall` with the same variables.  Everything installed is listed
# here, in one place; tests/host/install.sh checks the list and the modes.
#
# Paths that do not follow PREFIX: the configuration (/etc/pag, where pagd
# looks by default), the systemd units (systemd's own unit directory,
# /lib/systemd/system on Debian 12), the D-Bus policy (dbus-daemon reads
# only /usr/share/dbus-1/system.d and /etc) and the PAM module (libpam loads
# modules named without a path from its own directory only: the multiarch
# /lib/x86_64-linux-gnu/security on Debian, from libpam's pkg-config file,
# else $(LIBDIR)/security).

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
LIBEXECDIR	?= $(PREFIX)/libexec
LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
DATADIR		?= $(PREFIX)/share
MANDIR		?= $(DATADIR)/man
PKGCONFIGDIR	?= $(LIBDIR)/pkgconfig
SYSCONFDIR	?= /etc
SYSTEMD_UNITDIR	:= $(shell PKG_CONFIG_SYSROOT_DIR= $(PKG_CONFIG) \
			 --variable=systemdsystemunitdir systemd 2>/dev/null)
UNITDIR		?= $(or $(SYSTEMD_UNITDIR),/lib/systemd/system)
DBUSPOLICYDIR	?= /usr/share/dbus-1/system.d
MODULESLOADDIR	?= $(PREFIX)/lib/modules-load.d
PAM_LIBDIR	:= $(shell PKG_CONFIG_SYSROOT_DIR= $(PKG_CONFIG) \
			 --variable=libdir pam 2>/dev/null)
PAMDIR		?= $(or $(PAM_LIBDIR),$(LIBDIR))/security
# bash-completion loads completions/NAME when NAME is first completed
BASHCOMPDIR	?= $(DATADIR)/bash-completion/completions

INSTALL		?= install
D		 = $(DESTDIR)

# The uapi headers go under $(INCLUDEDIR)/pag/linux/, never into
# linux-libc-dev's /usr/include/linux/; libpag.pc adds -I$(INCLUDEDIR)/pag
# so that <pag/pag.h>'s own #include <linux/pag.h> finds them.
INSTALL_HEADERS	:= userspace/include/pag/pag.h userspace/include/pag/peer.h
INSTALL_UAPI	:= uapi/linux/pag.h uapi/linux/pag_bpf.h
# Man pages by section, Documentation/man/NAME.S into MANDIR/manS/; pagsh.1
# goes in as pagsh.pag.1 (below).
INSTALL_MAN	:= $(wildcard Documentation/man/*.[1-8])
INSTALLED_MAN	:= $(foreach m,$(INSTALL_MAN:Documentation/man/%=%),\
		   $(MANDIR)/man$(subst .,,$(suffix $(m)))/$(m:pagsh.1=pagsh.pag.1))

.PHONY: install uninstall
install: userspace
	$(INSTALL) -d $(D)$(BINDIR) $(D)$(SBINDIR) $(D)$(LIBDIR) \
		$(D)$(LIBEXECDIR)/pag \
		$(D)$(PKGCONFIGDIR) $(D)$(INCLUDEDIR)/pag/linux \
		$(D)$(MANDIR)/man1 $(D)$(MANDIR)/man3 $(D)$(MANDIR)/man5 \
		$(D)$(MANDIR)/man8 $(D)$(UNITDIR) $(D)$(DBUSPOLICYDIR) \
		$(D)$(MODULESLOADDIR) $(D)$(PAMDIR) $(D)$(BASHCOMPDIR)
	$(INSTALL) -d -m 0755 $(D)$(SYSCONFDIR)/pag
	$(INSTALL) -m 0755 $(O)/userspace/pagd/pagd $(D)$(SBINDIR)/pagd
	$(INSTALL) -m 0755 $(O)/bin/pag $(O)/bin/pag-launch $(D)$(BINDIR)/
	@# run by container engines, never by hand: a profile per path
	@# (oci-runtime@PROFILE) is the administrator's to link
	$(INSTALL) -m 0755 $(O)/bin/pag-oci-runtime \
		$(D)$(LIBEXECDIR)/pag/oci-runtime
	@# pagsh.pag: the packages make it the `pagsh` alternative, a name
	@# openafs-client also provides (pagsh.openafs) through
	@# update-alternatives; its man page is the alternative's slave.
	$(INSTALL) -m 0755 $(O)/bin/pagsh $(D)$(BINDIR)/pagsh.pag
	$(INSTALL) -m 0644 $(PAG_BASH_COMPLETION) $(D)$(BASHCOMPDIR)/pag
	$(INSTALL) -m 0755 $(LIBPAG_SO) $(D)$(LIBDIR)/libpag.so.0
	ln -sf libpag.so.0 $(D)$(LIBDIR)/libpag.so
	$(INSTALL) -m 0644 $(LIBPAG_A) $(D)$(LIBDIR)/libpag.a
	$(INSTALL) -m 0644 $(PAM_PAG) $(D)$(PAMDIR)/pam_pag.so
	@# libpag.pc names the paths of this installation, not of the build
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(PAG_VERSION)|' \
		userspace/lib/libpag.pc.in > $(D)$(PKGCONFIGDIR)/libpag.pc
	chmod 0644 $(D)$(PKGCONFIGDIR)/libpag.pc
	$(INSTALL) -m 0644 $(INSTALL_HEADERS) $(D)$(INCLUDEDIR)/pag/
	$(INSTALL) -m 0644 $(INSTALL_UAPI) $(D)$(INCLUDEDIR)/pag/linux/
	$(INSTALL) -m 0644 etc/systemd/system/pagd.service \
		etc/systemd/system/pag-bpf.service $(D)$(UNITDIR)/
	$(INSTALL) -m 0644 etc/dbus-1/system.d/org.pag.Pagd1.conf \
		$(D)$(DBUSPOLICYDIR)/
	$(INSTALL) -m 0644 etc/modules-load.d/pag.conf $(D)$(MODULESLOADDIR)/
	@# the administrator's configuration is never overwritten
	test -e $(D)$(SYSCONFDIR)/pag/pagd.conf || \
		$(INSTALL) -m 0600 etc/pag/pagd.conf $(D)$(SYSCONFDIR)/pag/
	@# the pages' headers name the version being installed
	for m in $(INSTALL_MAN); do \
		n=$${m##*/}; [ $$n != pagsh.1 ] || n=pagsh.pag.1; \
		t=$(D)$(MANDIR)/man$${m##*.}/$$n; \
		sed '/^\.TH /s/"pag [^"]*"/"pag $(PAG_VERSION)"/' $$m > $$t && \
		chmod 0644 $$t || exit 1; \
	done

# Removes what install put there, except the configuration in /etc/pag
# (like a package's remove, not its purge).
uninstall:
	rm -f $(D)$(SBINDIR)/pagd $(D)$(BINDIR)/pag $(D)$(BINDIR)/pag-launch \
		$(D)$(BINDIR)/pagsh.pag $(D)$(LIBEXECDIR)/pag/oci-runtime \
		$(D)$(LIBDIR)/libpag.so.0 $(D)$(LIBDIR)/libpag.so \
		$(D)$(LIBDIR)/libpag.a $(D)$(PKGCONFIGDIR)/libpag.pc \
		$(addprefix $(D)$(INCLUDEDIR)/pag/,$(notdir $(INSTALL_HEADERS))) \
		$(addprefix $(D)$(INCLUDEDIR)/pag/linux/,$(notdir $(INSTALL_UAPI))) \
		$(D)$(UNITDIR)/pagd.service $(D)$(UNITDIR)/pag-bpf.service \
		$(D)$(DBUSPOLICYDIR)/org.pag.Pagd1.conf \
		$(D)$(MODULESLOADDIR)/pag.conf \
		$(addprefix $(D),$(INSTALLED_MAN)) $(D)$(PAMDIR)/pam_pag.so \
		$(D)$(BASHCOMPDIR)/pag
	rmdir $(D)$(INCLUDEDIR)/pag/linux $(D)$(INCLUDEDIR)/pag 2>/dev/null || true
	rmdir $(D)$(LIBEXECDIR)/pag 2>/dev/null || true

# The module's source as DKMS takes it: /usr/src/pag-VERSION with
# dkms.conf, the top-level Kbuild, kernel/ and uapi/ (the pag-dkms package's
# contents); then `dkms install pag/VERSION`.
DKMS_SRC	 = $(D)/usr/src/pag-$(PAG_VERSION)

.PHONY: install-dkms
install-dkms:
	$(INSTALL) -d $(DKMS_SRC)/kernel $(DKMS_SRC)/uapi/linux
	$(INSTALL) -m 0644 dkms.conf Kbuild $(DKMS_SRC)/
	$(INSTALL) -m 0644 kernel/Kbuild $(wildcard kernel/*.c kernel/*.h) \
		$(DKMS_SRC)/kernel/
	$(INSTALL) -m 0644 $(wildcard uapi/linux/*.h) $(DKMS_SRC)/uapi/linux/

# --- Debian packages --------------------------------------------------------
# `make deb` builds pag-dkms, libpag0, libpag-dev, pag-tools and pagd with
# debhelper (debian/) from a copy of the tree under $(O)/deb/src, leaving
# the .debs in $(O)/deb.  It never boots a VM: debian/rules takes the BPF
# objects' vmlinux.h from the build host's BTF (VMLINUX_BTF).
# DEB_VERSION=V builds version V instead of debian/changelog's newest (an
# entry is added to the copy's changelog): how the tests make an upgrade.
DEB_DIR		 = $(O)/deb

.PHONY: deb
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	tar -C $(CURDIR) --exclude=./.git --exclude=./$(BUILD) --exclude=./build \
		-cf - . | tar -C $(DEB_DIR)/src -xf -
	if [ -n "$(DEB_VERSION)" ]; then \
		{ printf 'pag (%s) unstable; urgency=medium\n\n  * Build %s.\n\n -- %s  %s\n\n' \
			'$(DEB_VERSION)' '$(DEB_VERSION)' \
			"$$(sed -n 's/^Maintainer: //p' debian/control)" \
			"$$(date -R)"; cat debian/changelog; } \
			> $(DEB_DIR)/src/debian/changelog; \
	fi
	cd $(DEB_DIR)/src && dpkg-buildpackage -b -us -uc -j$(or $(DEB_JOBS),2)
	@ls $(DEB_DIR)/*.deb
