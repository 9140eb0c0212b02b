# SPDX-License-Identifier: GPL-2.0
#
# pagd, the host helper (its management client is in `pag`:
# tools/pag/pagd_*.c).  The core is at the top of userspace/pagd/; the NSS
# responder, the LDAP provider, credential bindings and the D-Bus API each
# have a folder (Documentation/design/architecture.rst).
# Sources include "common/..." and "pagd/..." from userspace/.

PAGD_CORE	:= config config_ldap config_profile config_session domain files view \
		   nss/protocol nss/memcache nss/mcfill pam/protocol \
		   deskprofile/rules
PAGD_DAEMON	:= scope state sockdir peer watch inherit main idcache \
		   nss/responder \
		   pam/client pam/krb5_auth pam/sockets pam/held pam/locked pam/offline \
		   pam/tgt_store \
		   deskprofile/cache deskprofile/fetch \
		   deskprofile/files deskprofile/notify deskprofile/session \
		   bus/bus bus/private bus/domains bus/bindings bus/sockdirs \
		   bus/credentials bus/profiles bus/signals \
		   oneshot ldap/offline ldap/conn ldap/tls ldap/gssapi ldap/map \
		   ldap/provider ldap/fetch \
		   ipa/parse ipa/keytab ipa/trust_keytab ipa/discover ipa/ranges \
		   ipa/subdomains ipa/idmap ipa/ad ipa/ad_search ipa/ad_map \
		   creds/creds creds/workers creds/krb5_worker \
		   kcm/protocol kcm/ops kcm/worker kcm/responder
# The core archive carries the shared helpers but those needing a library
# (krb5err, krb5pam: -lkrb5; keyperm: -lkeyutils; jsonout: -ljansson).
PAGD_COMMON	:= $(filter-out %/krb5err.c %/krb5pam.c %/keyperm.c %/jsonout.c,\
		   $(wildcard userspace/common/*.c))
PAGD_CORE_OBJS	:= $(patsubst %,$(O)/userspace/pagd/%.o,$(PAGD_CORE)) \
		   $(patsubst %.c,$(O)/%.o,$(PAGD_COMMON))
PAGD_OBJS	:= $(PAGD_CORE_OBJS) \
		   $(patsubst %,$(O)/userspace/pagd/%.o,$(PAGD_DAEMON))
PAGD_LIBS	:= -linih -llmdb -lsystemd -lldap -llber -lkrb5 -lcom_err \
		   -lgssapi_krb5 -lgnutls -lcrypt -lsss_idmap -ljansson
PAGD_CORE_LIB	:= $(O)/userspace/pagd/libpagd-core.a

$(O)/userspace/pagd/%.o: ALL_CFLAGS += -I$(CURDIR)/userspace

.PHONY: pagd
userspace: pagd
pagd: $(O)/userspace/pagd/pagd $(PAGD_CORE_LIB)

$(O)/userspace/pagd/pagd: $(PAGD_OBJS) $(O)/userspace/afs/libpagafs.a $(COMMON_A) \
		$(LIBPAG_A)
	$(call link_prog,$@,$^,$(PAGD_LIBS) $(AFS_LIBS) $(LIBPAG_LIBS))

# The protocol and domain code, for tests and the fuzzer.
$(PAGD_CORE_LIB): $(PAGD_CORE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The libFuzzer targets for the NSS and PAM request parsers: `make
# fuzz-pagd` builds them with clang and runs each for FUZZ_SECONDS
# (default 20).
FUZZ_SECONDS	?= 20
FUZZ_DIR	:= $(O)/fuzz
PAGD_FUZZ_SRCS	:= tests/fuzz/pagd_nss_fuzz.c \
		   $(patsubst %,userspace/pagd/%.c,$(PAGD_CORE)) \
		   $(PAGD_COMMON)
.PHONY: fuzz-pagd
tests: $(FUZZ_DIR)/pagd_nss_fuzz $(FUZZ_DIR)/pagd_pam_fuzz
fuzz-pagd: $(FUZZ_DIR)/pagd_nss_fuzz $(FUZZ_DIR)/pagd_pam_fuzz
	$(call msg,FUZZ,pagd_nss_fuzz pagd_pam_fuzz $(FUZZ_SECONDS)s)
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) PAGD_BUILD=$(O) tests/host/pagd_fuzz.sh

$(FUZZ_DIR)/pagd_nss_fuzz: $(PAGD_FUZZ_SRCS) $(wildcard userspace/pagd/*.h \
		userspace/pagd/*/*.h)
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)clang -std=gnu11 -D_GNU_SOURCE -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I$(CURDIR)/userspace $(PAGD_FUZZ_SRCS) -o $@ -linih

PAGD_PAM_FUZZ_SRCS := tests/fuzz/pagd_pam_fuzz.c userspace/pagd/pam/protocol.c \
		      userspace/pagd/nss/protocol.c $(PAGD_COMMON) \
		      $(patsubst %,userspace/pagd/%.c,config config_ldap config_session \
			config_profile domain files view)
$(FUZZ_DIR)/pagd_pam_fuzz: $(PAGD_PAM_FUZZ_SRCS) $(wildcard userspace/pagd/*.h \
		userspace/pagd/*/*.h)
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)clang -std=gnu11 -D_GNU_SOURCE -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I$(CURDIR)/userspace $(PAGD_PAM_FUZZ_SRCS) -o $@ -linih

# The memory cache writer's unit test links the core archive.
$(O)/tests/host/pagd_memcache_test: $(PAGD_CORE_LIB)
$(O)/tests/host/pagd_memcache_test.o: ALL_CFLAGS += -I$(CURDIR)/userspace

# The desktop-profile rules' unit test links the core archive.
$(O)/tests/host/pagd_deskprofile_rules_test: $(PAGD_CORE_LIB)
$(O)/tests/host/pagd_deskprofile_rules_test.o: ALL_CFLAGS += -I$(CURDIR)/userspace

# Tests that run pagd need it built beside them (also under ASan).
$(O)/tests/host/pagd_proto_test: | $(O)/userspace/pagd/pagd

# The libFuzzer target for KCM request decoding: `make fuzz-pagd-kcm`.
.PHONY: fuzz-pagd-kcm
tests: $(FUZZ_DIR)/pagd_kcm_fuzz
fuzz-pagd-kcm: $(FUZZ_DIR)/pagd_kcm_fuzz
	$(call msg,FUZZ,pagd_kcm_fuzz $(FUZZ_SECONDS)s)
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) PAGD_BUILD=$(O) tests/host/pagd_kcm_fuzz.sh

$(FUZZ_DIR)/pagd_kcm_fuzz: tests/fuzz/pagd_kcm_fuzz.c \
		userspace/pagd/kcm/protocol.c userspace/pagd/kcm/protocol.h
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)clang -std=gnu11 -D_GNU_SOURCE -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I$(CURDIR)/userspace tests/fuzz/pagd_kcm_fuzz.c \
		userspace/pagd/kcm/protocol.c -o $@ -lkrb5
