// SPDX-License-Identifier: GPL-2.0
/*
 * The files provider: a domain's users and groups come from DIR/passwd and
 * DIR/group, in the formats of passwd(5) and group(5).  Blank lines and
 * lines starting with '#' are skipped; anything else that is not a valid
 * entry is an error naming the file and line, so a typo never silently
 * drops a user.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"
#include "pagd/domain.h"

struct file_ctx {
	char *path;
	unsigned int line;
	char **msg;
};

static int file_err(struct file_ctx *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int file_err(struct file_ctx *f, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (asprintf(f->msg, "%s:%u: %s", f->path, f->line,
		     msg ? msg : "out of memory") < 0)
		*f->msg = NULL;
	free(msg);
	return -EINVAL;
}

/* Splits @s at ':' into exactly @n fields, in place. */
static int split_fields(char *s, char **fields, int n)
{
	int i = 0;

	fields[i++] = s;
	for (; *s; s++) {
		if (*s != ':')
			continue;
		if (i == n)
			return -EINVAL;
		*s = '\0';
		fields[i++] = s + 1;
	}
	return i == n ? 0 : -EINVAL;
}

static int check_name(struct file_ctx *f, const char *what, const char *name)
{
	if (!name[0])
		return file_err(f, "empty %s name", what);
	/* '@' separates a name from its domain in qualified names */
	for (const char *c = name; *c; c++)
		if (*c == '@' || *c == ',' || isspace((unsigned char)*c) ||
		    iscntrl((unsigned char)*c))
			return file_err(f, "bad %s name '%s'", what, name);
	if (name[0] == '+' || name[0] == '-')
		return file_err(f, "NIS compat entry '%s' is not supported",
				name);
	return 0;
}

/* Reads the next entry line: strips the newline, skips blanks and comments. */
static ssize_t next_line(FILE *fp, struct file_ctx *f, char **buf, size_t *cap)
{
	ssize_t n;

	while ((n = getline(buf, cap, fp)) >= 0) {
		f->line++;
		if (n > 0 && (*buf)[n - 1] == '\n')
			(*buf)[--n] = '\0';
		if (n == 0 || (*buf)[0] == '#')
			continue;
		if (memchr(*buf, '\0', n))
			return file_err(f, "NUL byte in line");
		return n;
	}
	return 0;
}

static FILE *open_file(const struct domain_conf *dc, const char *name,
		       struct file_ctx *f)
{
	FILE *fp;

	if (asprintf(&f->path, "%s/%s", dc->files_directory, name) < 0) {
		f->path = NULL;
		return NULL;
	}
	fp = fopen(f->path, "re");
	if (!fp && asprintf(f->msg, "[domain/%s]: %s: %s", dc->name, f->path,
			    strerror(errno)) < 0)
		*f->msg = NULL;
	return fp;
}

/*
 * Room for one more element in an array of @n elements whose capacity is
 * implied by @n: 16, then doubling (it grows when @n is 0, or a power of
 * two from 16 on).
 */
static int grow(void **arr, size_t n, size_t size)
{
	void *p;

	if (n && (n < 16 || (n & (n - 1))))
		return 0;
	p = reallocarray(*arr, n ? n * 2 : 16, size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

static int add_user(struct file_ctx *f, char **fl, struct domain *d)
{
	struct pagd_user *u;

	if (grow((void **)&d->users, d->n_users, sizeof(*u)) < 0)
		return -ENOMEM;
	u = &d->users[d->n_users];
	memset(u, 0, sizeof(*u));
	if (parse_id(fl[2], &u->uid) < 0)
		return file_err(f, "bad uid '%s' for user '%s'", fl[2], fl[0]);
	if (parse_id(fl[3], &u->gid) < 0)
		return file_err(f, "bad gid '%s' for user '%s'", fl[3], fl[0]);
	u->line = f->line;
	d->n_users++;
	u->name = strdup(fl[0]);
	u->passwd = strdup(fl[1]);
	u->gecos = strdup(fl[4]);
	u->dir = strdup(fl[5]);
	u->shell = strdup(fl[6]);
	if (!u->name || !u->passwd || !u->gecos || !u->dir || !u->shell)
		return -ENOMEM;
	return 0;
}

static int split_members(struct file_ctx *f, struct pagd_group *g, char *list)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char **m;
		int r = check_name(f, "member", tok);

		if (r < 0)
			return r;
		m = reallocarray(g->members, g->n_members + 2, sizeof(*m));
		if (!m)
			return -ENOMEM;
		g->members = m;
		m[g->n_members] = strdup(tok);
		if (!m[g->n_members])
			return -ENOMEM;
		m[++g->n_members] = NULL;
	}
	if (!g->members) {
		g->members = calloc(1, sizeof(*g->members));
		if (!g->members)
			return -ENOMEM;
	}
	return 0;
}

static int add_group(struct file_ctx *f, char **fl, struct domain *d)
{
	struct pagd_group *g;

	if (grow((void **)&d->groups, d->n_groups, sizeof(*g)) < 0)
		return -ENOMEM;
	g = &d->groups[d->n_groups];
	memset(g, 0, sizeof(*g));
	if (parse_id(fl[2], &g->gid) < 0)
		return file_err(f, "bad gid '%s' for group '%s'", fl[2], fl[0]);
	g->line = f->line;
	d->n_groups++;
	g->name = strdup(fl[0]);
	g->passwd = strdup(fl[1]);
	if (!g->name || !g->passwd)
		return -ENOMEM;
	return split_members(f, g, fl[3]);
}

/* One of the two file formats: its name, fields, and what an entry adds. */
struct file_format {
	const char *file;
	const char *what;
	int n_fields;
	int (*add)(struct file_ctx *f, char **fl, struct domain *d);
};

static const struct file_format passwd_format = { "passwd", "user", 7,
						  add_user };
static const struct file_format group_format = { "group", "group", 4,
						 add_group };

static int load_file(const struct domain_conf *dc, struct domain *d,
		     const struct file_format *fmt, char **msg)
{
	struct file_ctx f = { .msg = msg };
	char *buf = NULL, *fl[7];
	size_t cap = 0;
	ssize_t n;
	FILE *fp;
	int r = 0;

	fp = open_file(dc, fmt->file, &f);
	if (!fp) {
		free(f.path);
		return -ENOENT;
	}
	while ((n = next_line(fp, &f, &buf, &cap)) > 0) {
		if (split_fields(buf, fl, fmt->n_fields) < 0) {
			r = file_err(&f, "expected %d fields separated by ':'",
				     fmt->n_fields);
			break;
		}
		r = check_name(&f, fmt->what, fl[0]);
		if (r == 0)
			r = fmt->add(&f, fl, d);
		if (r < 0)
			break;
	}
	if (n < 0)
		r = n;
	free(buf);
	free(f.path);
	fclose(fp);
	return r;
}

/* Duplicates are found once the indexes are sorted: O(n log n). */
static int check_duplicates(const struct domain_conf *dc,
			    const struct domain *d, char **msg)
{
	const char *what = NULL, *name = NULL;
	unsigned int first = 0, again = 0;

	for (size_t i = 1; i < d->n_users && !what; i++) {
		const struct pagd_user *a = d->users_by_name[i - 1];
		const struct pagd_user *b = d->users_by_name[i];

		if (!strcmp(a->name, b->name)) {
			what = "passwd";
			name = a->name;
			first = a->line < b->line ? a->line : b->line;
			again = a->line < b->line ? b->line : a->line;
		}
	}
	for (size_t i = 1; i < d->n_groups && !what; i++) {
		const struct pagd_group *a = d->groups_by_name[i - 1];
		const struct pagd_group *b = d->groups_by_name[i];

		if (!strcmp(a->name, b->name)) {
			what = "group";
			name = a->name;
			first = a->line < b->line ? a->line : b->line;
			again = a->line < b->line ? b->line : a->line;
		}
	}
	if (!what)
		return 0;
	if (asprintf(msg, "%s/%s:%u: duplicate %s '%s' (first on line %u)",
		     dc->files_directory, what, again,
		     what[0] == 'p' ? "user" : "group", name, first) < 0)
		*msg = NULL;
	return -EINVAL;
}

int files_load(const struct domain_conf *dc, struct domain *d, char **msg)
{
	int r;

	r = load_file(dc, d, &passwd_format, msg);
	if (r == 0)
		r = load_file(dc, d, &group_format, msg);
	if (r == 0)
		r = domain_index(d);
	if (r == 0)
		r = check_duplicates(dc, d, msg);
	return r;
}
