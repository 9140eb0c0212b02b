# SPDX-License-Identifier: GPL-2.0
#
# Test programs, one executable per source file:
#   tests/kernel/*.c  kselftest-harness tests of pag.ko, run in the VM
#   tests/vm/*.c      integration tests that need the VM (BPF, namespaces)
#   tests/host/*.c    userspace tests run on the host (and under ASan/UBSan)
#   tests/bench/*.c   benchmarks, run in the VM by `make bench`; each prints
#                     its results as ratios against a baseline of the same run

TEST_KERNEL	:= $(patsubst tests/kernel/%.c,$(O)/tests/kernel/%,$(wildcard tests/kernel/*.c))
TEST_VM		:= $(patsubst tests/vm/%.c,$(O)/tests/vm/%,$(wildcard tests/vm/*.c))
TEST_HOST	:= $(patsubst tests/host/%.c,$(O)/tests/host/%,$(wildcard tests/host/*.c))
TEST_BENCH	:= $(patsubst tests/bench/%.c,$(O)/tests/bench/%,$(wildcard tests/bench/*.c))
TEST_LIBS	:= -lmnl -lkeyutils -lbpf -lelf -lz

.PHONY: host-tests
tests: $(TEST_KERNEL) $(TEST_VM) $(TEST_HOST) $(TEST_BENCH)
host-tests: $(TEST_HOST)

TEST_OBJS	:= $(addsuffix .o,$(TEST_KERNEL) $(TEST_VM) $(TEST_HOST) $(TEST_BENCH))
$(TEST_OBJS): ALL_CFLAGS += $(KSFT_CFLAGS)
$(TEST_OBJS): | $(LINUX_STAMP)
$(TEST_VM:=.o) $(TEST_BENCH:=.o): | $(BPF_SKELS)

$(O)/tests/%: $(O)/tests/%.o
	$(call link_prog,$@,$^,$(TEST_LIBS))

# Tests of libpag (libpag_*) link its static archive, internals included.
LIBPAG_TESTS	:= $(foreach t,$(TEST_HOST) $(TEST_VM) $(TEST_BENCH),$(if $(findstring /libpag_,$(t)),$(t)))
$(LIBPAG_TESTS): $(LIBPAG_A)
# The harness compares its expected int with unsigned fields.
$(LIBPAG_TESTS:=.o): ALL_CFLAGS += -Wno-sign-compare

# The shared helpers' unit test links their archive (the harness compares
# its int with unsigned values).
$(O)/tests/host/common_test: $(COMMON_A)
$(O)/tests/host/common_test.o: ALL_CFLAGS += -I$(CURDIR)/userspace -Wno-sign-compare
