// SPDX-License-Identifier: GPL-2.0
/*
 * hold_ref - hold a PAG handle, for shell tests of `pag list`: makes a new
 * PAG with PAG_IOC_REF_NEW without entering it, so that the process is a
 * member by its handle only, and a child in that PAG (a classic member,
 * forked while switched into it) that keeps the PAG alive without holding
 * a handle.  Prints "PID PAG", then, for each line read on standard
 * input, "close" closes the handle and prints "closed"; at end of input
 * it ends the child and exits.  Exits 1 with a message on failure.
 */

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/pag.h>

int main(void)
{
	struct pag_ioc_info info;
	char line[64];
	int dev, ref, sync[2];
	pid_t keeper;

	dev = open("/dev/" PAG_DEV_NAME, O_RDWR | O_CLOEXEC);
	ref = dev < 0 ? -1 : ioctl(dev, PAG_IOC_REF_NEW, 0);
	if (ref < 0 || ioctl(ref, PAG_IOC_GET, &info) < 0 ||
	    ioctl(dev, PAG_IOC_SWITCH, ref) < 0) {
		perror("hold_ref: a PAG handle");
		return 1;
	}
	if (pipe(sync)) {
		perror("hold_ref: pipe");
		return 1;
	}
	keeper = fork();
	if (keeper == 0) {
		close(ref);
		close(sync[0]);
		close(sync[1]);
		pause();
		_exit(0);
	}
	/* Only once the keeper closed its copy is the handle ours alone. */
	close(sync[1]);
	if (keeper < 0 || read(sync[0], line, 1) != 0 ||
	    ioctl(dev, PAG_IOC_SWITCH_DEFAULT, 0) < 0) {
		perror("hold_ref: the keeper");
		return 1;
	}
	close(sync[0]);
	printf("%d %d\n", (int)getpid(), info.id);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		if (!strcmp(line, "close\n")) {
			close(ref);
			printf("closed\n");
			fflush(stdout);
		}
	}
	kill(keeper, SIGKILL);
	waitpid(keeper, NULL, 0);
	return 0;
}
