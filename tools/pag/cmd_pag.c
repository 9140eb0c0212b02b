// SPDX-License-Identifier: GPL-2.0
/*
 * pag new, id, leave, list, show, monitor, status: the caller's own PAG,
 * the registry of live PAGs and its events.
 */

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Bit i of PAG_A_PAG_FLAGS is flag_names[i] (enum pag_flags). */
static const char *flag_names[] = { "self", "admin-entered",
				    "token-count-unknown", "switched" };

/* @holders: NULL where none come (events). */
static json_t *info_json(const struct pag_info *info,
			 const struct pag_holders *holders)
{
	json_t *obj = json_object();
	json_t *flags;
	unsigned int i;

	json_object_set_new(obj, "id", json_integer(info->id));
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_OWNER_UID))
		json_object_set_new(obj, "owner_uid",
				    json_integer(info->owner_uid));
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_CREATOR_PID))
		json_object_set_new(obj, "creator_pid",
				    json_integer(info->creator_pid));
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_CREATOR_COMM))
		json_object_set_new(obj, "creator_comm",
				    json_string(info->creator_comm));
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_CREATED_NS))
		json_object_set_new(obj, "created_ns",
				    json_integer((json_int_t)info->created_ns));
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_FLAGS)) {
		flags = json_array();
		for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
			if (info->flags & (1u << i))
				json_array_append_new(
					flags, json_string(flag_names[i]));
		json_object_set_new(obj, "flags", flags);
	}
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_TOKEN_COUNT))
		json_object_set_new(obj, "token_count",
				    json_integer(info->token_count));
	if (holders && info->present & PAG_INFO_HAS(PAG_A_PAG_HOLDERS)) {
		json_t *pids = json_array();

		for (i = 0; i < holders->n_pids; i++)
			json_array_append_new(pids,
					      json_integer(holders->pids[i]));
		json_object_set_new(obj, "holders",
				    json_integer(holders->count));
		json_object_set_new(obj, "holder_pids", pids);
	}
	return obj;
}

static void flags_str(uint32_t flags, char *buf, size_t len)
{
	unsigned int i;
	size_t n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (flags & (1u << i))
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				      flag_names[i]);
	if (!n)
		snprintf(buf, len, "-");
}

/*
 * The processes that are members by holding handles: their pids, comma
 * separated, "+N" for those the kernel counted but did not name (beyond
 * PAG_HOLDER_PIDS_MAX, or outside our pid namespace), "-" for none, "?"
 * from a kernel that does not report them.
 */
static void holders_str(const struct pag_info *info,
			const struct pag_holders *holders, char *buf,
			size_t len)
{
	unsigned int i;
	size_t n = 0;

	if (!(info->present & PAG_INFO_HAS(PAG_A_PAG_HOLDERS))) {
		snprintf(buf, len, "?");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < holders->n_pids && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%u", n ? "," : "",
			      holders->pids[i]);
	if (holders->count > holders->n_pids && n < len)
		n += snprintf(buf + n, len - n, "%s+%u", n ? "," : "",
			      holders->count - holders->n_pids);
	if (!n)
		snprintf(buf, len, "-");
}

/* Seconds since the PAG was created, from the boot clock. */
static double age_of(const struct pag_info *info)
{
	struct timespec now;
	uint64_t ns;

	clock_gettime(CLOCK_BOOTTIME, &now);
	ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	return ns > info->created_ns ? (double)(ns - info->created_ns) / 1e9
				     : 0.0;
}

static void info_print(const struct pag_info *info,
		       const struct pag_holders *holders)
{
	char flags[64], pids[PAG_HOLDER_PIDS_MAX * 12 + 16];

	printf("id:          %d\n", info->id);
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_OWNER_UID))
		printf("owner uid:   %u\n", info->owner_uid);
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_CREATOR_PID))
		printf("creator:     %u (%s)\n", info->creator_pid,
		       info->creator_comm);
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_CREATED_NS))
		printf("age:         %.1fs\n", age_of(info));
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_FLAGS)) {
		flags_str(info->flags, flags, sizeof(flags));
		printf("flags:       %s\n", flags);
	}
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_TOKEN_COUNT))
		printf("tokens:      %u\n", info->token_count);
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_HOLDERS)) {
		holders_str(info, holders, pids, sizeof(pids));
		printf("holders:     %s\n", pids);
	}
}

/* Replace this process with argv, or with the user's shell. */
static int run(char **argv)
{
	const char *shell = getenv("SHELL");
	char *sh[2];

	if (!argv[0]) {
		sh[0] = (char *)(shell && *shell ? shell : "/bin/sh");
		sh[1] = NULL;
		argv = sh;
	}
	fflush(NULL);
	execvp(argv[0], argv);
	fprintf(stderr, "pag %s: cannot run %s: %s\n", current_cmd->name,
		argv[0], strerror(errno));
	return errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
}

static int create(struct pag_handle *h)
{
	struct pag_info info;

	return pag_create(h, &info);
}

/*
 * pag new and pag leave: @change the caller's PAG (a message with @what if
 * it fails), then run the command given, if any, in it.
 */
static int change_then_run(int argc, char **argv,
			   int (*change)(struct pag_handle *), const char *what)
{
	int rc, i, err;

	i = parse_opts(argc, argv, false, &rc);
	if (i < 0)
		return rc;
	rc = open_handle();
	if (rc)
		return rc;
	err = change(handle);
	if (err < 0)
		return failure(err, what);
	return run(argv + i);
}

int cmd_new(int argc, char **argv)
{
	return change_then_run(argc, argv, create, "cannot create a PAG");
}

int cmd_leave(int argc, char **argv)
{
	return change_then_run(argc, argv, pag_leave, "cannot leave the PAG");
}

int cmd_id(int argc, char **argv)
{
	struct pag_info info;
	unsigned int bit;
	json_t *obj, *missing;
	int rc, err;

	if (!start_without_args(argc, argv, true, &rc))
		return rc;
	err = pag_current(handle, &info);
	if (err == -ENOENT || err == -ESRCH || err == -ENODATA) {
		fprintf(stderr, "pag id: not in a PAG\n");
		return EXIT_NO_PAG;
	}
	if (err < 0)
		return failure(err, NULL);
	if (!json) {
		printf("%d\n", info.id);
		return 0;
	}
	obj = json_object();
	json_object_set_new(obj, "id", json_integer(info.id));
	/*
	 * The calling thread's active PAG, and whether it is the process
	 * default (PAG handles): a freshly exec'd pag always is, as exec
	 * makes the exec'ing thread's active PAG the default.
	 */
	json_object_set_new(obj, "default",
			    json_boolean(!(info.flags & PAG_F_SWITCHED)));
	json_object_set_new(
		obj, "backend",
		json_string(pag_backend(handle) == PAG_BACKEND_KERNEL
				    ? "kernel"
				    : "keyring"));
	missing = json_array();
	for (bit = 1; bit && bit <= pag_limits(handle); bit <<= 1)
		if (pag_limits(handle) & bit)
			json_array_append_new(missing,
					      json_string(pag_limit_name(bit)));
	json_object_set_new(obj, "missing", missing);
	print_json(obj);
	return 0;
}

int cmd_show(int argc, char **argv)
{
	struct pag_holders holders;
	struct pag_info info;
	int32_t id;
	int rc, i, err;

	i = parse_opts(argc, argv, true, &rc);
	if (i < 0)
		return rc;
	if (i == argc)
		return usage_error("missing PAG id");
	if (argc - i > 1)
		return usage_error("unexpected argument '%s'", argv[i + 1]);
	if (parse_pag_id(argv[i], &id))
		return usage_error("invalid PAG id '%s': not a positive "
				   "number",
				   argv[i]);
	rc = open_handle();
	if (rc)
		return rc;
	err = pag_get_holders(handle, id, 0, &info, &holders);
	if (err == -ENOENT || err == -ESRCH) {
		fprintf(stderr, "pag show: no PAG %d%s%s\n", id,
			*pag_errmsg(handle) ? ": " : "", pag_errmsg(handle));
		return EXIT_NO_SUCH_PAG;
	}
	if (err < 0)
		return failure(err, argv[i]);
	if (json)
		print_json(info_json(&info, &holders));
	else
		info_print(&info, &holders);
	return 0;
}

static bool list_header_done;

static void list_header(void)
{
	if (list_header_done || json)
		return;
	printf("%11s %6s %7s %-16s %9s %6s %-20s %s\n", "ID", "UID", "PID",
	       "COMM", "AGE(s)", "TOKENS", "FLAGS", "HOLDERS");
	list_header_done = true;
}

static int list_one(const struct pag_info *info,
		    const struct pag_holders *holders, void *arg)
{
	char flags[64], count[16], pids[PAG_HOLDER_PIDS_MAX * 12 + 16];

	if (json) {
		json_array_append_new(arg, info_json(info, holders));
		return 0;
	}
	list_header();
	flags_str(info->flags, flags, sizeof(flags));
	holders_str(info, holders, pids, sizeof(pids));
	if (info->present & PAG_INFO_HAS(PAG_A_PAG_TOKEN_COUNT))
		snprintf(count, sizeof(count), "%u", info->token_count);
	else
		snprintf(count, sizeof(count), "?");
	printf("%11d %6u %7u %-16s %9.1f %6s %-20s %s\n", info->id,
	       info->owner_uid, info->creator_pid, info->creator_comm,
	       age_of(info), count, flags, pids);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	json_t *arr = NULL;
	int rc, err;

	if (!start_without_args(argc, argv, true, &rc))
		return rc;
	if (json)
		arr = json_array();
	err = pag_iterate_holders(handle, list_one, arr);
	if (err < 0) {
		json_decref(arr);
		return failure(err, NULL);
	}
	if (json)
		print_json(arr);
	else
		list_header();
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int print_event(const struct pag_event *ev)
{
	json_t *obj;

	if (json) {
		obj = json_object();
		json_object_set_new(obj, "event",
				    json_string(pag_event_str(ev->type)));
		json_object_set_new(obj, "pag", info_json(&ev->pag, NULL));
		print_json(obj);
	} else if (ev->pag.present & PAG_INFO_HAS(PAG_A_PAG_CREATOR_PID)) {
		printf("%s %d uid=%u pid=%u comm=%s\n", pag_event_str(ev->type),
		       ev->pag.id, ev->pag.owner_uid, ev->pag.creator_pid,
		       ev->pag.creator_comm);
	} else {
		printf("%s %d\n", pag_event_str(ev->type), ev->pag.id);
	}
	return fflush(stdout) ? -errno : 0;
}

/*
 * Start argv once subscribed, so that none of its events is missed.  It
 * must be reaped as it exits: a zombie still holds its credentials, and so
 * its PAG, which would then never end.
 */
static pid_t spawn(char **argv, const sigset_t *mask)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigprocmask(SIG_SETMASK, mask, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "pag monitor: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
	}
	return pid;
}

static void on_child(int sig)
{
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction sa_child = { .sa_handler = on_child };
	sigset_t block, orig;
	struct pag_event ev;
	struct pollfd pfd;
	long count = -1, seen = 0;
	uint64_t n;
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jc:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'c':
			if (parse_uint(optarg, 1, INT32_MAX, &n) < 0)
				return usage_error("invalid count '%s'",
						   optarg);
			count = (long)n;
			break;
		default:
			return help_or_unknown_opt(c, argv);
		}
	}
	err = open_handle();
	if (err)
		return err;
	pfd.fd = pag_subscribe(handle);
	if (pfd.fd < 0)
		return failure(pfd.fd, "cannot subscribe to events");
	pfd.events = POLLIN;
	/* Signals only wake ppoll(), so that none is lost before it. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGCHLD, &sa_child, NULL);
	if (optind < argc && spawn(argv + optind, &orig) < 0)
		return failure(-errno, "fork");

	while (!stop && (count < 0 || seen < count)) {
		err = pag_event_read(handle, &ev);
		if (err == -EAGAIN) {
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			if (ppoll(&pfd, 1, NULL, &orig) < 0 && errno != EINTR)
				return failure(-errno, "poll");
			continue;
		}
		if (err == -ENOBUFS) {
			fprintf(stderr, "pag monitor: %s\n",
				pag_errmsg(handle));
			continue;
		}
		if (err < 0)
			return failure(err, NULL);
		if (print_event(&ev) < 0)
			return EX_OSERR; /* stdout is gone */
		seen++;
	}
	return 0;
}

int cmd_status(int argc, char **argv)
{
	static const unsigned int cmds[] = {
		PAG_CMD_NEW,	   PAG_CMD_GET,	      PAG_CMD_LEAVE,
		PAG_CMD_ENTER,	   PAG_CMD_TOKEN_ADD, PAG_CMD_TOKEN_DEL,
		PAG_CMD_TOKEN_GET,
	};
	static const char *const cmd_names[] = {
		"new",	     "get",	  "leave",     "enter",
		"token-add", "token-del", "token-get",
	};
	unsigned int limits, bit, i;
	char why[512];
	json_t *obj, *arr;
	bool mismatch;
	int rc;

	quiet = true; /* status says what is missing itself */
	if (!start_without_args(argc, argv, true, &rc))
		return rc;
	limits = pag_limits(handle);
	obj = json_object();
	json_object_set_new(
		obj, "backend",
		json_string(pag_backend(handle) == PAG_BACKEND_KERNEL
				    ? "kernel"
				    : "keyring"));
	arr = json_array();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (pag_has_cmd(handle, cmds[i]))
			json_array_append_new(arr, json_string(cmd_names[i]));
	json_object_set_new(obj, "commands", arr);
	arr = json_array();
	for (bit = 1; bit <= limits; bit <<= 1)
		if (limits & bit)
			json_array_append_new(arr,
					      json_string(pag_limit_name(bit)));
	json_object_set_new(obj, "missing", arr);
	/*
	 * Without the module: say so when it exists but cannot load here;
	 * with one older than this pag: say that.
	 */
	mismatch = pag_backend(handle) != PAG_BACKEND_KERNEL &&
		   pag_module_mismatch(why, sizeof(why)) == 1;
	if (pag_module_problem(handle)) {
		snprintf(why, sizeof(why), "%s", pag_module_problem(handle));
		mismatch = true;
	}
	if (mismatch)
		json_object_set_new(obj, "module", json_string(why));
	if (json) {
		print_json(obj);
		return 0;
	}
	printf("backend:  %s\n",
	       json_string_value(json_object_get(obj, "backend")));
	printf("commands:");
	for (i = 0; i < json_array_size(json_object_get(obj, "commands")); i++)
		printf(" %s", json_string_value(json_array_get(
				      json_object_get(obj, "commands"), i)));
	printf("%s\n", pag_backend(handle) == PAG_BACKEND_KERNEL ? "" : " -");
	for (bit = 1; bit <= limits; bit <<= 1)
		if (limits & bit)
			printf("missing:  %s\n", pag_limit_str(bit));
	if (mismatch)
		printf("module:   %s\n", why);
	json_decref(obj);
	return 0;
}
