/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers from the command line, configuration files, /etc/passwd-style
 * files and directories: decimal digits and nothing else (no sign, no
 * blanks, no "0x"), so "-1" or " 5" is refused rather than wrapped or
 * trimmed.  Each returns 0, or -EINVAL with *out untouched.
 */
#ifndef PAG_COMMON_PARSE_H
#define PAG_COMMON_PARSE_H

#include <stdint.h>

/* parse_uint() - a decimal number in [@min, @max]. */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * parse_id() - a uid or gid: 0 to 2^32 - 2, since (uint32_t)-1 means "no
 * id" to the kernel (chown, setresuid).
 */
int parse_id(const char *s, uint32_t *out);

/* parse_pag_id() - a PAG id: 1 to INT32_MAX, as pag.ko hands them out. */
int parse_pag_id(const char *s, int32_t *out);

#endif /* PAG_COMMON_PARSE_H */
