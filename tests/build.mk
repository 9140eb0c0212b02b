# SPDX-License-Identifier: GPL-2.0
#
# Test programs, one executable per source file:
#   tests/kernel/*.c  kselftest-harness tests of pag.ko, run in the VM
#   tests/vm/*.c      integration tests that need the VM (BPF, namespaces)
#   tests/host/*.c    userspace tests run on the host (and under ASan/UBSan)
#   tests/bench/*.c   benchmarks, run in the VM by `make bench`; each prints
#                     its results as ratios against a baseline of the same run
#   tests/bench/clients/*.c
#                     the clients that benchmark scripts (tests/bench/*.sh)
#                     drive; not benchmarks of their own, so tests/bench/run
#                     does not run them

TEST_KERNEL	:= $(patsubst tests/kernel/%.c,$(O)/tests/kernel/%,$(wildcard tests/kernel/*.c))
TEST_VM		:= $(patsubst tests/vm/%.c,$(O)/tests/vm/%,$(wildcard tests/vm/*.c))
TEST_HOST	:= $(patsubst tests/host/%.c,$(O)/tests/host/%,$(wildcard tests/host/*.c))
TEST_BENCH	:= $(patsubst tests/bench/%.c,$(O)/tests/bench/%,$(wildcard tests/bench/*.c))
TEST_LIBS	:= -lmnl -lkeyutils -lbpf -lelf -lz
# Helper programs that test scripts run (tests/lib/*.c); not tests.
TEST_HELPERS	:= $(patsubst tests/lib/%.c,$(O)/tests/lib/%,$(wildcard tests/lib/*.c))

.PHONY: host-tests
tests: $(TEST_KERNEL) $(TEST_VM) $(TEST_HOST) $(TEST_BENCH) $(TEST_HELPERS)
host-tests: $(TEST_HOST) $(TEST_HELPERS)

TEST_OBJS	:= $(addsuffix .o,$(TEST_KERNEL) $(TEST_VM) $(TEST_HOST) $(TEST_BENCH) $(TEST_HELPERS))
$(TEST_OBJS): ALL_CFLAGS += $(KSFT_CFLAGS)
$(TEST_OBJS): | $(LINUX_STAMP)
$(TEST_VM:=.o) $(TEST_BENCH:=.o): | $(BPF_SKELS)

$(O)/tests/%: $(O)/tests/%.o
	$(call link_prog,$@,$^,$(TEST_LIBS))

# The id libsss_idmap gives a SID, for the IPA trust tests.
$(O)/tests/lib/idmap_id: $(O)/tests/lib/idmap_id.o
	$(call link_prog,$@,$^,-lsss_idmap)

# Tests of libpag (libpag_*) link its static archive, internals included.
LIBPAG_TESTS	:= $(foreach t,$(TEST_HOST) $(TEST_VM) $(TEST_BENCH),$(if $(findstring /libpag_,$(t)),$(t)))
$(LIBPAG_TESTS): $(LIBPAG_A)
# The harness compares its expected int with unsigned fields.
$(LIBPAG_TESTS:=.o): ALL_CFLAGS += -Wno-sign-compare

# The 10,000-PAG benchmark times the dump as `pag list` reads it: libpag's.
$(O)/tests/bench/pag_scale: $(LIBPAG_A)

# The shared helpers' unit test links their archive (the harness compares
# its int with unsigned values).
$(O)/tests/host/common_test: $(COMMON_A)
$(O)/tests/host/common_test.o: ALL_CFLAGS += -I$(CURDIR)/userspace -Wno-sign-compare

# The benchmark scripts' clients: lookups through libnss_sss
# (pagd_nss_bench: pagd_lookup.sh; ldap_nss_bench: pagd_ldap_sssd.sh),
# answers under a PAG NEW/LEAVE flood (pagd_flood_bench: pagd_flood.sh),
# PAG holders and credential bindings (pagd_creds_bench: pagd_creds.sh).
BENCH_CLIENTS	:= $(patsubst tests/bench/clients/%.c,$(O)/tests/bench/clients/%,$(wildcard tests/bench/clients/*.c))
tests: $(BENCH_CLIENTS)
$(BENCH_CLIENTS:=.o): ALL_CFLAGS += -I$(CURDIR)/userspace
$(BENCH_CLIENTS): %: %.o $(PAGD_CLIENT_A) $(COMMON_A) $(LIBPAG_A)
	$(call link_prog,$@,$^,$(PAGD_CLIENT_LIBS) $(LIBPAG_LIBS))
# The KCM benchmark's client (pagd_kcm.sh) is a libkrb5 client.
$(O)/tests/bench/clients/kcm_bench: PAGD_CLIENT_LIBS += -lkrb5
# The PAM benchmark's client (pam_auth_sssd.sh): libpam, and libkrb5 for
# the KDC's share.
$(O)/tests/bench/clients/pam_auth_bench: PAGD_CLIENT_LIBS += -lpam -lkrb5
# The PAM application of the session tests (pagd_pam_session.sh).
$(O)/tests/lib/pam_login: TEST_LIBS += -lpam

# The stand-in FleetCommander client that D-Bus activates (pagd_deskprofile).
$(O)/tests/lib/fc_standin: TEST_LIBS += -lsystemd

# The fence watcher of pagd_peer.sh sets and reads fences through libpag.
$(O)/tests/lib/fence_watch: $(LIBPAG_A)
$(O)/tests/lib/fence_watch: TEST_LIBS += $(LIBPAG_LIBS)
