# SPDX-License-Identifier: GPL-2.0
#
# BPF programs: CO-RE objects and libbpf skeletons.  vmlinux.h is dumped
# from the BTF of the kernel the VM boots (the one we test against), so the
# build does not depend on whatever kernel the build host runs.

BPF_PROGS	:= $(patsubst bpf/%.bpf.c,%,$(wildcard bpf/*.bpf.c))
BPF_CFLAGS	:= -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
		   -I$(O)/bpf -I$(CURDIR)/uapi -I$(CURDIR)/bpf
BPF_SKELS	:= $(BPF_PROGS:%=$(O)/bpf/%.skel.h)

.PHONY: bpf
bpf: $(BPF_SKELS)

# VMLINUX_BTF=FILE takes it from that BTF file instead, without booting a
# VM: the packages (debian/rules) use the build host's own.
$(O)/bpf/vmlinux.h:
	$(Q)mkdir -p $(@D)
ifeq ($(VMLINUX_BTF),)
	$(call msg,BTF,vmlinux.h from $(KVER))
	$(Q)tools/vmtest -n -r $(KVER) -w $(@D) -- sh -c \
		'bpftool btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp' && \
		mv $@.tmp $@
else
	$(call msg,BTF,vmlinux.h from $(VMLINUX_BTF))
	$(Q)test -r $(VMLINUX_BTF) || { echo "$(VMLINUX_BTF): no BTF to read" >&2; exit 1; }
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@
endif

$(O)/bpf/%.bpf.o: bpf/%.bpf.c $(O)/bpf/vmlinux.h $(wildcard bpf/*.h uapi/linux/*.h)
	$(call msg,CLANG,$<)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(O)/bpf/%.skel.h: $(O)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@.tmp && mv $@.tmp $@

# The loader (userspace/bpf/loader.c), run by `pag bpf` (tools/pag/cmd_bpf.c);
# BPF tests and benchmarks link the loader and libpag (its peer API,
# userspace/lib/peer.c).
PAG_BPF_LOADER	:= $(O)/userspace/bpf/loader.o $(O)/lib/libpag.a \
		   $(O)/userspace/common/libpagcommon.a
PAG_BPF_LIBS	:= -lbpf -lelf -lz -lmnl -lkeyutils
PAG_BPF_USERS	:= $(patsubst %.c,$(O)/%,$(wildcard tests/vm/bpf_*.c tests/bench/bpf_*.c))

$(O)/userspace/bpf/loader.o $(PAG_BPF_USERS:=.o) $(O)/tools/pag/cmd_bpf.o: \
	| $(BPF_SKELS)
$(PAG_BPF_USERS:=.o): ALL_CFLAGS += -I$(CURDIR)/userspace/bpf
$(O)/userspace/bpf/loader.o: ALL_CFLAGS += -I$(CURDIR)/userspace
$(PAG_BPF_USERS): $(PAG_BPF_LOADER)

# libpag runs the fence iterators (pag_fence_forget() and pag_fence_pags() in
# userspace/lib/peer.c).
$(O)/userspace/lib/peer.o: | $(O)/bpf/pag_fence_forget.skel.h \
	$(O)/bpf/pag_fence_list.skel.h
