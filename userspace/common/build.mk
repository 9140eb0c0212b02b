# SPDX-License-Identifier: GPL-2.0
#
# Helpers every program of pag shares (userspace/common/): logging,
# directories, number parsing, string lists, time and Kerberos messages,
# exit codes, JSON output, accepting connections.  One archive, so a
# program links only the objects it calls (krb5err.o needs -lkrb5,
# jsonout.o -ljansson).  Sources include
# "common/..." from userspace/.

COMMON_OBJS	:= $(patsubst %.c,$(O)/%.o,$(wildcard userspace/common/*.c))
COMMON_A	:= $(O)/userspace/common/libpagcommon.a

$(COMMON_OBJS): ALL_CFLAGS += -I$(CURDIR)/userspace

$(COMMON_A): $(COMMON_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

userspace: $(COMMON_A)
