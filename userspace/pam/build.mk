# SPDX-License-Identifier: GPL-2.0
#
# pam_pag.so, the PAM module (pam_pag(8)): session (pam_pag.c) and auth
# (auth.c, login_tgt.c).  libpag, the shared helpers and pagd's client
# are linked in statically: the module is dlopen()ed by sshd, login and
# su, and must not need a libpag.so.0 at a PREFIX the dynamic loader may
# not search; only pam_sm_* are exported (pam_pag.map), so the archives'
# symbols stay private.

PAM_PAG		:= $(O)/lib/security/pam_pag.so
PAM_PAG_OBJS	:= $(patsubst %.c,$(O)/%.o,$(wildcard userspace/pam/*.c))

$(PAM_PAG_OBJS): ALL_CFLAGS += -I$(CURDIR)/userspace

.PHONY: pam
userspace: pam
pam: $(PAM_PAG)

$(PAM_PAG): $(PAM_PAG_OBJS) $(LIBPAG_A) $(PAGD_CLIENT_A) $(COMMON_A) \
		userspace/pam/pam_pag.map
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -shared -Wl,-z,defs -Wl,--as-needed \
		-Wl,--version-script=userspace/pam/pam_pag.map \
		$(PAM_PAG_OBJS) $(PAGD_CLIENT_A) $(COMMON_A) $(LIBPAG_A) \
		-o $@ $(ALL_LDFLAGS) $(LIBPAG_LIBS) $(PAGD_CLIENT_LIBS) \
		-lkrb5 -lcom_err -lkeyutils -lpam
