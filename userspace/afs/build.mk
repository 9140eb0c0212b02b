# SPDX-License-Identifier: GPL-2.0
#
# kafs tokens: rxkad payloads from Kerberos tickets (aklog/unlog).

AFS_OBJS	:= $(O)/userspace/afs/rxkad.o $(O)/userspace/afs/aklog.o
AFS_LIBS	:= -lkrb5 -lkeyutils -lcrypto

$(O)/userspace/afs/libpagafs.a: $(AFS_OBJS)
	$(call msg,AR,$@)
	$(Q)$(AR) rcs $@ $^

$(O)/tools/pag-aklog: $(O)/tools/pag-aklog.o $(O)/userspace/afs/libpagafs.a
	$(call link_prog,$@,$^,$(AFS_LIBS) -ljansson)

$(O)/tools/pag-aklog.o: ALL_CFLAGS += -I$(CURDIR)/userspace

userspace: $(O)/userspace/afs/libpagafs.a $(O)/tools/pag-aklog
