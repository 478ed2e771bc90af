// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuffctl: modes and owners as chmod(1) and chown(1) take them, and as
 * list and info show them.  Plain functions of their arguments and the
 * user and group databases, with no output of their own.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "mbuffctl.h"

/* The read and write bits, the only ones an area has. */
#define MBUFFCTL_MODE_BITS	0666

static int mbuffctl_parse_octal(const char *s, mode_t *mode)
{
	unsigned int v = 0;
	size_t n;

	for (n = 0; s[n]; n++) {
		if (s[n] < '0' || s[n] > '7')
			return -EINVAL;
		v = v * 8 + (unsigned int)(s[n] - '0');
		if (v > 07777)
			return -EINVAL;
	}
	if (v & ~MBUFFCTL_MODE_BITS)
		return -ERANGE;
	*mode = v;
	return 0;
}

/* The bits of class @c ('u', 'g' or 'o') of @m, given to every class. */
static mode_t mbuffctl_copy_class(mode_t m, char c)
{
	unsigned int shift = c == 'u' ? 6 : c == 'g' ? 3 : 0;

	return ((m >> shift) & 7) * 0111;
}

/**
 * mbuffctl_parse_mode() - a mode as chmod(1) takes it, for an area
 * @s: octal ("640", "0600") or symbolic ("u=rw,g+r", "go-w", "g=u"):
 *	clauses of [ugoa]* then one or more of [+-=] followed by r and w
 *	letters or one of u, g, o; no who letter means a
 * @old: the mode a symbolic one changes
 * @mode: the result
 *
 * Return: 0; -ERANGE when it asks for execute or special bits (x, X, s,
 * t, or an octal mode beyond 0666), which areas do not have; -EINVAL when
 * it is not a mode.
 */
int mbuffctl_parse_mode(const char *s, mode_t old, mode_t *mode)
{
	mode_t m = old & MBUFFCTL_MODE_BITS;
	const char *p = s;

	if (isdigit((unsigned char)*s))
		return mbuffctl_parse_octal(s, mode);
	do {
		mode_t who = 0;

		for (; *p && strchr("ugoa", *p); p++)
			who |= *p == 'u' ? 0700 : *p == 'g' ? 070 :
			       *p == 'o' ? 07 : 0777;
		if (!who)
			who = 0777;
		if (!*p || !strchr("+-=", *p))
			return -EINVAL;
		while (*p && strchr("+-=", *p)) {
			char op = *p++;
			mode_t bits = 0;

			if (*p && strchr("ugo", *p)) {
				bits = mbuffctl_copy_class(m, *p++);
			} else {
				for (; *p == 'r' || *p == 'w'; p++)
					bits |= *p == 'r' ? 0444 : 0222;
			}
			if (*p && strchr("xXst", *p))
				return -ERANGE;
			bits &= who & MBUFFCTL_MODE_BITS;
			if (op == '+')
				m |= bits;
			else if (op == '-')
				m &= ~bits;
			else
				m = (m & ~who) | bits;
		}
		if (*p && *p != ',')
			return -EINVAL;
	} while (*p && *++p);
	if (p > s && p[-1] == ',')
		return -EINVAL;
	*mode = m & MBUFFCTL_MODE_BITS;
	return 0;
}

/* A user name or number: 0, or -1 when it is neither. */
static int mbuffctl_parse_uid(const char *s, uid_t *uid, gid_t *login)
{
	const struct passwd *pw = getpwnam(s);
	unsigned long v;
	char *end;

	if (pw) {
		*uid = pw->pw_uid;
		*login = pw->pw_gid;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= (uid_t)-1)
		return -1;
	*uid = (uid_t)v;
	pw = getpwuid(*uid);
	*login = pw ? pw->pw_gid : (gid_t)-1;
	return 0;
}

/* A group name or number: 0, or -1 when it is neither. */
static int mbuffctl_parse_gid(const char *s, gid_t *gid)
{
	const struct group *gr = getgrnam(s);
	unsigned long v;
	char *end;

	if (gr) {
		*gid = gr->gr_gid;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= (gid_t)-1)
		return -1;
	*gid = (gid_t)v;
	return 0;
}

/**
 * mbuffctl_parse_owner() - an owner and group as chown(1) takes them
 * @s: OWNER, OWNER:GROUP, :GROUP, or OWNER: (the owner's login group);
 *	each a name or a number
 * @uid: the owner, or (uid_t)-1 when not given
 * @gid: the group, or (gid_t)-1 when not given
 *
 * Return: 0, or MBUFFCTL_OWNER_EMPTY (neither given),
 * MBUFFCTL_OWNER_BAD_USER, MBUFFCTL_OWNER_BAD_GROUP, or
 * MBUFFCTL_OWNER_NO_LOGIN (OWNER: of a user the database does not know).
 */
int mbuffctl_parse_owner(const char *s, uid_t *uid, gid_t *gid)
{
	const char *colon = strchr(s, ':');
	size_t ulen = colon ? (size_t)(colon - s) : strlen(s);
	char user[256];
	gid_t login = (gid_t)-1;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (ulen >= sizeof(user))
		return MBUFFCTL_OWNER_BAD_USER;
	memcpy(user, s, ulen);
	user[ulen] = '\0';
	if (!ulen && (!colon || !colon[1]))
		return MBUFFCTL_OWNER_EMPTY;
	if (ulen && mbuffctl_parse_uid(user, uid, &login))
		return MBUFFCTL_OWNER_BAD_USER;
	if (!colon)
		return 0;
	if (colon[1])
		return mbuffctl_parse_gid(colon + 1, gid) ?
		       MBUFFCTL_OWNER_BAD_GROUP : 0;
	if (login == (gid_t)-1)
		return MBUFFCTL_OWNER_NO_LOGIN;
	*gid = login;
	return 0;
}

/* "0640", or "-" when the source has no modes. */
const char *mbuffctl_mode_str(char *buf, size_t len, mode_t mode)
{
	if (mode == (mode_t)-1)
		return "-";
	snprintf(buf, len, "%04o", (unsigned int)mode);
	return buf;
}

/* "rw-r-----", as ls -l shows the permission bits. */
const char *mbuffctl_mode_rwx(char *buf, size_t len, mode_t mode)
{
	static const char letters[] = "rwx";
	int i;

	if (len < 10)
		return "";
	for (i = 0; i < 9; i++)
		buf[i] = mode & (0400 >> i) ? letters[i % 3] : '-';
	buf[9] = '\0';
	return buf;
}

/*
 * The last ID looked up and its name: a listing of many areas of one owner
 * reads the database once, not once per row and column.
 */
struct mbuffctl_id_cache {
	bool valid;
	bool found;
	unsigned int id;
	char name[64];
};

static const char *mbuffctl_id_cached(struct mbuffctl_id_cache *c, char *buf,
				      size_t len)
{
	if (!c->found)
		return NULL;
	snprintf(buf, len, "%s", c->name);
	return buf;
}

/* The user's name, or NULL when there is no owner or the database has none. */
const char *mbuffctl_user_name(char *buf, size_t len, uid_t uid)
{
	static struct mbuffctl_id_cache c;
	const struct passwd *pw;

	if (uid == (uid_t)-1)
		return NULL;
	if (!c.valid || c.id != uid) {
		pw = getpwuid(uid);
		c.valid = true;
		c.id = uid;
		c.found = pw != NULL;
		if (pw)
			snprintf(c.name, sizeof(c.name), "%s", pw->pw_name);
	}
	return mbuffctl_id_cached(&c, buf, len);
}

/* The group's name, or NULL when there is no group or the database has none. */
const char *mbuffctl_group_name(char *buf, size_t len, gid_t gid)
{
	static struct mbuffctl_id_cache c;
	const struct group *gr;

	if (gid == (gid_t)-1)
		return NULL;
	if (!c.valid || c.id != gid) {
		gr = getgrgid(gid);
		c.valid = true;
		c.id = gid;
		c.found = gr != NULL;
		if (gr)
			snprintf(c.name, sizeof(c.name), "%s", gr->gr_name);
	}
	return mbuffctl_id_cached(&c, buf, len);
}

/* A name, else the number, else "-" (@id is (unsigned int)-1: none). */
const char *mbuffctl_id_str(char *buf, size_t len, const char *name,
			    unsigned int id)
{
	if (name)
		return name;
	if (id == (unsigned int)-1)
		return "-";
	snprintf(buf, len, "%u", id);
	return buf;
}
