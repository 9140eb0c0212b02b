# SPDX-License-Identifier: GPL-2.0
#
# libpagd-client.a: the one client of pagd's D-Bus API (client.h), linked
# by pag, pag-launch and the benchmarks' clients; api.h, the API's names,
# is shared with the server (userspace/pagd/bus/).  Static: it is a part
# of this project's programs, not an interface of its own.

PAGD_CLIENT_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard userspace/pagd-client/*.c))
PAGD_CLIENT_A	:= $(O)/userspace/pagd-client/libpagd-client.a
PAGD_CLIENT_LIBS := -lsystemd

$(PAGD_CLIENT_OBJS): ALL_CFLAGS += -I$(CURDIR)/userspace

.PHONY: pagd-client
userspace: pagd-client
pagd-client: $(PAGD_CLIENT_A)

$(PAGD_CLIENT_A): $(PAGD_CLIENT_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# Its unit test (tests/host/pagd_client_test.c) runs a stand-in pagd.
$(O)/tests/host/pagd_client_test: $(PAGD_CLIENT_A) $(COMMON_A)
$(O)/tests/host/pagd_client_test: TEST_LIBS += $(PAGD_CLIENT_LIBS)
$(O)/tests/host/pagd_client_test.o: ALL_CFLAGS += -I$(CURDIR)/userspace
