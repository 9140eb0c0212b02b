/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exit codes of pag's command-line programs (pag, pagsh, pag-launch,
 * pagd): <sysexits.h> where one fits, the shell's for a command that
 * cannot run, and a few of a command's own (pag(1): 1 not in a PAG, 2 no
 * such PAG; pag bpf status: 3 and 4).  Documented in
 * Documentation/admin-guide/ for each program; tests check them.
 */
#ifndef PAG_COMMON_EXITCODE_H
#define PAG_COMMON_EXITCODE_H

#include <sysexits.h>

/*
 * EX_USAGE (64)	bad usage: unknown option, missing argument
 * EX_UNAVAILABLE (69)	pag.ko, a feature of it, or pagd is not there
 * EX_OSERR (71)	any other failure of the system or of pagd
 * EX_TEMPFAIL (75)	gave up waiting (pag-launch --timeout)
 * EX_NOPERM (77)	permission denied
 * EX_CONFIG (78)	pagd's configuration is wrong
 */

/* What a shell returns for a command it found but could not run... */
#define EXIT_CANNOT_EXEC 126
/* ...and for one it did not find. */
#define EXIT_NOT_FOUND 127

/* exit_code_of() - the exit code for a negative errno. */
int exit_code_of(int err);

#endif /* PAG_COMMON_EXITCODE_H */
