# SPDX-License-Identifier: GPL-2.0
#
# kafs tokens: rxkad payloads from Kerberos tickets (pag aklog/unlog).

AFS_OBJS	:= $(O)/userspace/afs/rxkad.o $(O)/userspace/afs/aklog.o \
		   $(O)/userspace/afs/mountns.o
AFS_LIBS	:= -lkrb5 -lcom_err -lkeyutils -lcrypto

$(AFS_OBJS): ALL_CFLAGS += -I$(CURDIR)/userspace

$(O)/userspace/afs/libpagafs.a: $(AFS_OBJS)
	$(call msg,AR,$@)
	$(Q)$(AR) rcs $@ $^

userspace: $(O)/userspace/afs/libpagafs.a
