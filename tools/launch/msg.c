// SPDX-License-Identifier: GPL-2.0
/*
 * Messages of the programs built from tools/launch/ (pag-launch and
 * pag-oci-runtime): each names the program it comes from, launch_name,
 * which each program's main.c defines.  The shared steps (pagd.c, oci.c)
 * print through here, so an engine's log says which program failed.
 */
#include <stdarg.h>
#include <stdio.h>

#include "launch.h"

void launch_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", launch_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
