# SPDX-License-Identifier: GPL-2.0
#
# pam_pag.so, the PAM session module (pam_pag(8)).  libpag is linked in:
# the module is dlopen()ed by sshd, login and su, and must not need a
# libpag.so.0 at a PREFIX the dynamic loader may not search; only
# pam_sm_* are exported (pam_pag.map), so libpag's symbols stay private.

PAM_PAG		:= $(O)/lib/security/pam_pag.so
PAM_PAG_OBJS	:= $(O)/userspace/pam/pam_pag.o

.PHONY: pam
userspace: pam
pam: $(PAM_PAG)

$(PAM_PAG): $(PAM_PAG_OBJS) $(LIBPAG_A) userspace/pam/pam_pag.map
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -shared -Wl,-z,defs -Wl,--as-needed \
		-Wl,--version-script=userspace/pam/pam_pag.map \
		$(PAM_PAG_OBJS) $(LIBPAG_A) -o $@ $(ALL_LDFLAGS) \
		$(LIBPAG_LIBS) -lpam
