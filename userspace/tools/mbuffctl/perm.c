// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuffctl: modes and owners as list and info show them.  Plain
 * functions of their arguments and the user and group databases, with no
 * output of their own.
 */
#include <grp.h>
#include <pwd.h>

#include "mbuffctl.h"

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

/* The user's name, or NULL when there is no owner or the database has none. */
const char *mbuffctl_user_name(char *buf, size_t len, uid_t uid)
{
	const struct passwd *pw;

	if (uid == (uid_t)-1)
		return NULL;
	pw = getpwuid(uid);
	if (!pw)
		return NULL;
	snprintf(buf, len, "%s", pw->pw_name);
	return buf;
}

/* The group's name, or NULL when there is no group or the database has none. */
const char *mbuffctl_group_name(char *buf, size_t len, gid_t gid)
{
	const struct group *gr;

	if (gid == (gid_t)-1)
		return NULL;
	gr = getgrgid(gid);
	if (!gr)
		return NULL;
	snprintf(buf, len, "%s", gr->gr_name);
	return buf;
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
