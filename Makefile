# SPDX-License-Identifier: GPL-2.0
#
# pag - top-level build.  Everything generated goes under $(BUILD); the
# source tree stays clean.  `make help` lists the targets.

BUILD		?= build
PAG_VERSION	:= $(shell cat VERSION)
O		:= $(abspath $(BUILD))
# The kernel pag.ko is built for and the VM boots: a release or a series,
# as `tools/vmtest -r` takes it; by default Debian 12's newest 6.1, whatever
# else is installed.  MATRIX: the other kernel series `make check` runs the
# VM suite on (tools/vmtest --print-matrix).  KVERS: every release `make`
# builds pag.ko for: KVER, then each of MATRIX installed.  A KVER given
# narrows both to that kernel.
MATRIX		?= $(filter-out $(firstword $(VMTEST_MATRIX)),$(VMTEST_MATRIX))
VMTEST_MATRIX	:= $(shell tools/vmtest --print-matrix)
KVER_GIVEN	:= $(if $(filter command line environment,$(origin KVER)),$(KVER))
KVER		?= $(shell tools/vmtest --print-release)
override KVER	:= $(shell tools/vmtest -r '$(KVER)' --print-release)
ifneq ($(KVER_GIVEN),)
KVERS		?= $(KVER)
VM_SUITES	:= vm:$(KVER_GIVEN)
VM_SUITES_FULL	:= $(VM_SUITES)
else
KVERS		?= $(KVER) $(filter-out $(KVER),$(foreach s,$(MATRIX),\
		   $(shell tools/vmtest -r $(s) --print-release 2>/dev/null)))
# CI's time allows the whole VM suite on one kernel: the others run the
# tests of pag.ko and the BPF programs (vm-core), check-full everything.
VM_SUITES	:= vm $(addprefix vm-core:,$(MATRIX))
VM_SUITES_FULL	:= vm $(addprefix vm:,$(MATRIX))
endif
KDIR		?= /lib/modules/$(KVER)/build
# kselftest_harness.h and checkpatch.pl: from 6.1's source, whatever
# other linux-source is installed.
LINUX_TARBALL	?= /usr/src/linux-source-6.1.tar.xz

CLANG		?= clang
BPFTOOL		?= bpftool
PKG_CONFIG	?= pkg-config
SPARSE		?= sparse

CFLAGS		?= -O2 -g
WARNINGS	:= -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
		   -Wstrict-prototypes -Wno-unused-parameter -Wundef
ALL_CFLAGS	 = -std=gnu11 -D_GNU_SOURCE -fPIC $(WARNINGS) \
		   -I$(CURDIR)/uapi -I$(CURDIR)/userspace/include -I$(O) \
		   $(CPPFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
ALL_LDFLAGS	 = $(LDFLAGS)
WERROR		?= 1
ifeq ($(WERROR),1)
ALL_CFLAGS	+= -Werror
endif
ifeq ($(SANITIZE),1)
ALL_CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all
ALL_LDFLAGS	+= -fsanitize=address,undefined
endif

Q		:= $(if $(V),,@)
msg		 = $(if $(V),,@printf '  %-8s %s\n' '$(1)' '$(2)';)

.DEFAULT_GOAL	:= all
.PHONY: all module modules userspace tests check check-full check-host check-asan check-vm \
	bench lint format clean deps help demo
.DELETE_ON_ERROR:
.SECONDARY:

all: modules bpf userspace tests

# --- pag.ko ---------------------------------------------------------------
# One build per kernel release, $(O)/kernel/KVER/pag.ko, where tools/vmtest
# -r KVER finds it.  Kbuild writes objects beside the sources, so build from
# a mirror of symlinks; `make -C $(KDIR) M=$(CURDIR)` (DKMS) works as well.
KERNEL_SRCS	:= Kbuild $(wildcard kernel/Kbuild kernel/*.c kernel/*.h) \
		   $(wildcard uapi/linux/*.h)
PAG_KOS		:= $(KVERS:%=$(O)/kernel/%/pag.ko)

module: $(O)/kernel/$(KVER)/pag.ko
modules: $(PAG_KOS)

# KDIR applies to KVER; another release builds against its own headers.
# Warnings fail our builds on every kernel (WERROR=1), not DKMS's.
kdir_of		 = $(if $(filter $(1),$(KVER)),$(KDIR),/lib/modules/$(1)/build)

$(O)/kernel/%/pag.ko: $(KERNEL_SRCS)
	$(Q)test -d $(call kdir_of,$*) || { echo "no kernel headers in $(call kdir_of,$*): run 'make deps'" >&2; exit 1; }
	$(Q)mkdir -p $(@D)
	$(Q)find $(@D) -maxdepth 1 -type l -delete
	$(Q)ln -sfn $(CURDIR)/uapi $(O)/kernel/uapi
	$(Q)ln -sf $(CURDIR)/kernel/Kbuild $(@D)/Kbuild
	$(Q)for f in kernel/*.c kernel/*.h; do ln -sf $(CURDIR)/$$f $(@D)/; done
	$(Q)$(MAKE) -C $(call kdir_of,$*) M=$(@D) $(if $(V),V=1) \
		$(if $(filter 1,$(WERROR)),KCFLAGS=-Werror) modules

# --- kernel sources we need but do not commit -----------------------------
# kselftest_harness.h and checkpatch.pl come from Debian's linux-source
# tarball, extracted once per build directory.
LINUX_FILES	:= tools/testing/selftests/kselftest_harness.h \
		   tools/testing/selftests/kselftest.h \
		   scripts/checkpatch.pl scripts/spelling.txt \
		   scripts/const_structs.checkpatch
LINUX_STAMP	:= $(O)/linux/.extracted

$(LINUX_STAMP):
	$(Q)test -r "$(LINUX_TARBALL)" || { echo "no linux-source tarball: run 'make deps'" >&2; exit 1; }
	$(call msg,EXTRACT,$(notdir $(LINUX_TARBALL)))
	$(Q)rm -rf $(O)/linux && mkdir -p $(O)/linux
	$(Q)tar -xJf $(LINUX_TARBALL) -C $(O)/linux --strip-components=1 \
		$(addprefix $(basename $(basename $(notdir $(LINUX_TARBALL))))/,$(LINUX_FILES))
	$(Q)touch $@

KSFT_CFLAGS	:= -I$(O)/linux/tools/testing/selftests -Wno-missing-prototypes

# --- userspace compile and link rules -------------------------------------
$(O)/%.o: %.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(CFLAGS_$(notdir $(basename $<))) -MMD -MP -c $< -o $@

# link_prog OUTPUT OBJS LIBS
define link_prog
	$(call msg,LD,$(1))
	$(Q)mkdir -p $(dir $(1))
	$(Q)$(CC) $(ALL_CFLAGS) $(2) -o $(1) $(ALL_LDFLAGS) $(3)
endef

# --- the version: VERSION, the one place it is written ---------------------
# Every binary's --version prints it from $(O)/pag_version.h; libpag names
# it when the loaded pag.ko is older than it.
VERSION_USERS	:= $(O)/tools/pag/pag.o $(O)/tools/pag/pagsh.o \
		   $(O)/tools/launch/main.o $(O)/userspace/pagd/main.o \
		   $(O)/userspace/lib/pag.o
$(VERSION_USERS): $(O)/pag_version.h

$(O)/pag_version.h: VERSION
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)printf '#define PAG_VERSION "%s"\n' '$(PAG_VERSION)' > $@

include install.mk
include bpf/build.mk
include userspace/build.mk
include tools/build.mk
include tests/build.mk

-include $(shell test -d $(O) && find $(O) -name '*.d' -type f 2>/dev/null)

# --- the main job: the whole system in the VM ---------------------------
demo: all
	$(Q)BUILD=$(O) tools/demo

# --- tests ----------------------------------------------------------------
check: all
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SANITIZE=1 host-tests
	$(Q)tests/run --build $(O) host asan $(VM_SUITES)

check-full: all
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SANITIZE=1 host-tests
	$(Q)tests/run --build $(O) host asan $(VM_SUITES_FULL)

check-host: userspace tests
	$(Q)tests/run --build $(O) host

check-asan:
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SANITIZE=1 host-tests
	$(Q)tests/run --build $(O) asan

check-vm: all
	$(Q)tests/run --build $(O) $(VM_SUITES_FULL)

# Benchmarks: tests/bench/*.c programs and *.sh scripts in one VM boot,
# except the scripts marked to run on the host (tests/bench/run); the
# kernel-side ones (BPF, setpag, 10,000 PAGs, kafs operations and bind-to-first-operation) in
# single-CPU boots, one per kernel pag.ko is built for (KVERS), whose clock
# counts instructions, so their figures do not move with the host's load
# (tools/vmtest --icount).  Every part runs; any failing fails make bench.
BENCH_ICOUNT	:= @(bpf_*|pag_kernel|pag_switch|libpag_setpag|pag_scale|afs_ops.sh|afs_bind.sh|pag_example_server.sh)
bench: all
	$(Q)rc=0; tests/bench/run --host $(O) || rc=1; \
	tools/vmtest -m 4G -e BUILD=$(O) -e 'BENCH_SKIP=$(BENCH_ICOUNT)' -- \
		tests/bench/run --vm $(O) || rc=1; \
	for r in $(KVERS); do \
		echo "=== kernel $$r (instruction-counted VM)"; \
		tools/vmtest -r $$r -I 0 -c 1 -e 'BENCH_ONLY=$(BENCH_ICOUNT)' \
			-- tests/bench/run --vm $(O) || rc=1; \
	done; \
	exit $$rc

# --- lint -----------------------------------------------------------------
# kernel/compat.h is where the kernel version checks belong.
CHECKPATCH_FLAGS := --no-tree --quiet --show-types --strict \
		    --ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES
USER_C_FILES	= $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' | grep -v -e '^kernel/' -e '^uapi/' -e '\.bpf\.c$$')

lint: $(LINUX_STAMP) $(PAG_KOS)
	$(call msg,CHECKPATCH,kernel uapi bpf)
	$(Q)perl $(O)/linux/scripts/checkpatch.pl $(CHECKPATCH_FLAGS) -f \
		$(filter-out kernel/compat.h,$(wildcard kernel/*.c kernel/*.h \
		uapi/linux/*.h bpf/*.bpf.c bpf/*.h))
	$(Q)perl $(O)/linux/scripts/checkpatch.pl $(CHECKPATCH_FLAGS) -f \
		--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON kernel/compat.h
	$(Q)for r in $(KVERS); do \
		$(if $(V),,printf '  %-8s %s\n' SPARSE "kernel for $$r";) \
		kdir=/lib/modules/$$r/build; \
		[ "$$r" != "$(KVER)" ] || kdir=$(KDIR); \
		if $(MAKE) --no-print-directory -C $$kdir M=$(O)/kernel/$$r \
			C=2 CHECK="$(SPARSE)" modules 2>&1 | \
			tee $(O)/sparse-$$r.log | grep -E '(warning|error):'; \
		then exit 1; fi; \
	done
	$(call msg,FORMAT,userspace)
	$(Q)clang-format --dry-run --Werror $(USER_C_FILES)
	$(call msg,CPPCHECK,userspace)
	$(Q)cppcheck --quiet --error-exitcode=1 --inline-suppr --std=c11 \
		--enable=warning,portability,performance \
		--suppress=missingIncludeSystem -I uapi -I userspace/include \
		-D__GNUC__ $(filter %.c,$(USER_C_FILES))

format:
	$(Q)clang-format -i $(USER_C_FILES)

# --- housekeeping ---------------------------------------------------------
deps:
	$(Q)tools/install-deps

clean:
	$(Q)rm -rf $(O)

help:
	@echo 'Targets:'
	@echo '  all          module, BPF objects, library, daemon, tools, tests'
	@echo '  demo         boot the VM and show the whole system working'
	@echo '  deps         install the Debian packages the project needs'
	@echo '  check        every test: host, host under ASan/UBSan, and in the VM'
	@echo '               (on 6.12 the tests of pag.ko and BPF only)'
	@echo '  check-full   the same with the whole VM suite on every kernel'
	@echo '  check-host   userspace tests on the host'
	@echo '  check-asan   userspace tests built with ASan/UBSan'
	@echo '  check-vm     kernel-facing and integration tests in the VM, on'
	@echo '               every kernel (KVER=...: on that one)'
	@echo '  bench        benchmarks, printed as ratios against a baseline'
	@echo '  lint         checkpatch and sparse on kernel code; clang-format and'
	@echo '               cppcheck on userspace'
	@echo '  format       reformat userspace code with clang-format'
	@echo '  install      install at FHS paths (DESTDIR, PREFIX=/usr); uninstall'
	@echo '  clean        remove $(BUILD)/'
	@echo 'Variables: BUILD KVER KDIR CC CFLAGS WERROR=1 SANITIZE=1 V=1 DESTDIR PREFIX'
