// SPDX-License-Identifier: GPL-2.0
/* Exit codes of the command-line programs (exitcode.h). */
#include <errno.h>

#include "common/exitcode.h"

int exit_code_of(int err)
{
	switch (err) {
	case 0:
		return EX_OK;
	case -EOPNOTSUPP:
	case -EHOSTDOWN: /* pagd is not running */
		return EX_UNAVAILABLE;
	case -EPERM:
	case -EACCES:
		return EX_NOPERM;
	case -ETIMEDOUT:
		return EX_TEMPFAIL;
	default:
		return EX_OSERR;
	}
}
