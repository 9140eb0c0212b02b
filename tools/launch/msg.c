// SPDX-License-Identifier: GPL-2.0
/*
 * Messages of the programs built from tools/launch/ (pag-launch and
 * pag-oci-runtime): each names the program it comes from, launch_name,
 * which each program's main.c defines.  The shared steps (pagd.c, oci.c)
 * print through here, so an engine's log says which program failed.  A
 * program may also hand each message to launch_err_hook: pag-oci-runtime
 * writes it to the runtime log an engine reads its errors from.
 */
#include <stdarg.h>
#include <stdio.h>

#include "launch.h"

void (*launch_err_hook)(const char *msg);

void launch_err(const char *fmt, ...)
{
	char msg[4096];
	int n;
	va_list ap;

	n = snprintf(msg, sizeof(msg), "%s: ", launch_name);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", msg);
	if (launch_err_hook)
		launch_err_hook(msg);
}
