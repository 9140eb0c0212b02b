# SPDX-License-Identifier: GPL-2.0
#
# Command-line tools.  pag and pagsh link libpag.so.0 from ../lib beside
# them (in build/ and once installed under $(PREFIX)).

PAG_TOOLS	:= $(O)/bin/pag $(O)/bin/pagsh
PAG_TOOL_LIBS	:= -L$(O)/lib -Wl,-rpath,'$$ORIGIN/../lib' -lpag

.PHONY: tools
userspace: tools
tools: $(PAG_TOOLS)

PAG_CLI_OBJS	:= $(patsubst %.c,$(O)/%.o,$(filter-out tools/pag/pagsh.c,\
		   $(wildcard tools/pag/*.c)))

PAG_CLI_LIBS	:= $(PAGD_CLIENT_A) $(O)/userspace/afs/libpagafs.a \
		   $(O)/userspace/bpf/loader.o $(COMMON_A)

$(PAG_CLI_OBJS): ALL_CFLAGS += -I$(CURDIR)/userspace

$(O)/bin/pag: $(PAG_CLI_OBJS) $(PAG_CLI_LIBS) $(LIBPAG_SO) $(O)/lib/libpag.so
	$(call link_prog,$@,$(PAG_CLI_OBJS) $(PAG_CLI_LIBS),\
		$(PAG_TOOL_LIBS) -ljansson $(AFS_LIBS) -lsystemd -lbpf -lkmod)

# pag's bash completion, generated from its command table by pag itself
PAG_BASH_COMPLETION := $(O)/share/bash-completion/pag
tools: $(PAG_BASH_COMPLETION)
$(PAG_BASH_COMPLETION): $(O)/bin/pag
	@mkdir -p $(@D)
	$(Q)$< completion bash > $@.tmp && mv $@.tmp $@

$(O)/tools/pag/pagsh.o: ALL_CFLAGS += -I$(CURDIR)/userspace
$(O)/bin/pagsh: $(O)/tools/pag/pagsh.o $(COMMON_A) $(LIBPAG_SO) $(O)/lib/libpag.so
	$(call link_prog,$@,$< $(COMMON_A),$(PAG_TOOL_LIBS))

# pag-launch: one concern per file under tools/launch/ (launch.h).  Its
# calls to pagd, the runtime wrapping and the messages (LAUNCH_SHARED_OBJS)
# are also pag-oci-runtime's.
LAUNCH_OBJS	:= $(patsubst %.c,$(O)/%.o,$(wildcard tools/launch/*.c))
LAUNCH_SHARED_OBJS := $(addprefix $(O)/tools/launch/,pagd.o oci.o msg.o)
$(LAUNCH_OBJS): ALL_CFLAGS += -I$(CURDIR)/userspace
PAG_TOOLS	+= $(O)/bin/pag-launch
tools: $(O)/bin/pag-launch

$(O)/bin/pag-launch: $(LAUNCH_OBJS) $(PAGD_CLIENT_A) $(COMMON_A) \
		$(LIBPAG_SO) $(O)/lib/libpag.so
	$(call link_prog,$@,$(LAUNCH_OBJS) $(PAGD_CLIENT_A) $(COMMON_A),\
		$(PAG_TOOL_LIBS) -lsystemd)

# pag-oci-runtime: the OCI runtime wrapper for container engines
# (oci-runtime.h), with pag-launch's shared steps; installed as
# $(LIBEXECDIR)/pag/oci-runtime, whence ../../lib is libpag's directory.
OCI_RUNTIME_RPATH := -Wl,-rpath,'$$ORIGIN/../../lib'
OCI_RUNTIME_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard tools/oci-runtime/*.c))
$(OCI_RUNTIME_OBJS): ALL_CFLAGS += -I$(CURDIR)/userspace -I$(CURDIR)/tools/launch
$(O)/tools/oci-runtime/main.o: $(O)/pag_version.h
PAG_TOOLS	+= $(O)/bin/pag-oci-runtime
tools: $(O)/bin/pag-oci-runtime

$(O)/bin/pag-oci-runtime: $(OCI_RUNTIME_OBJS) $(LAUNCH_SHARED_OBJS) \
		$(PAGD_CLIENT_A) $(COMMON_A) $(LIBPAG_SO) $(O)/lib/libpag.so
	$(call link_prog,$@,$(OCI_RUNTIME_OBJS) $(LAUNCH_SHARED_OBJS) \
		$(PAGD_CLIENT_A) $(COMMON_A),\
		$(PAG_TOOL_LIBS) $(OCI_RUNTIME_RPATH) -ljansson -lsystemd)

# The example server of the extended PAG model (issue 15): built, not
# installed; tests/vm/pag_example_server.sh drives it.
PAG_EXAMPLE	:= $(O)/tools/example/pag-example-server
PAG_EXAMPLE_LIBS := -L$(O)/lib -Wl,-rpath,'$$ORIGIN/../../lib' -lpag -lkeyutils -lkrb5
tools: $(PAG_EXAMPLE)
$(O)/tools/example/pag_example_server.o: ALL_CFLAGS += -I$(CURDIR)/userspace/include
$(PAG_EXAMPLE): $(O)/tools/example/pag_example_server.o $(LIBPAG_SO) $(O)/lib/libpag.so
	$(call link_prog,$@,$<,$(PAG_EXAMPLE_LIBS))
