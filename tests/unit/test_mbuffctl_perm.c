// SPDX-License-Identifier: GPL-2.0-only
/*
 * mbuffctl's parsers of modes and owners, and how it shows them, called
 * directly: userspace/tools/mbuffctl/perm.c is compiled into this test.
 */
#include <criterion/criterion.h>
#include <grp.h>
#include <pwd.h>

#include "../../userspace/tools/mbuffctl/perm.c"

/* A mode of @s applied to @old, or -1 when refused; the errno in *err. */
static long mode(const char *s, mode_t old, int *err)
{
	mode_t m = 0123;	/* anything but what the cases expect */
	int ret = mbuffctl_parse_mode(s, old, &m);

	if (err)
		*err = ret;
	return ret ? -1 : (long)m;
}

Test(mbuffctl_perm, octal)
{
	static const struct { const char *s; long want; } ok[] = {
		{ "0", 0 }, { "600", 0600 }, { "0640", 0640 }, { "666", 0666 },
		{ "00644", 0644 }, { "4", 04 }, { "0000", 0 },
	};
	static const char *const range[] = { "700", "0755", "1666", "4600", "7777", "1" };
	static const char *const bad[] = { "8", "0649", "6a", "99999", "06400000", "0x600" };
	int err;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert_eq(mode(ok[i].s, 0666, NULL), ok[i].want, "'%s'", ok[i].s);
	for (size_t i = 0; i < sizeof(range) / sizeof(range[0]); i++) {
		cr_assert_eq(mode(range[i], 0, &err), -1, "'%s'", range[i]);
		cr_assert_eq(err, -ERANGE, "'%s': execute or special bits", range[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(mode(bad[i], 0, &err), -1, "'%s'", bad[i]);
		cr_assert_eq(err, -EINVAL, "'%s'", bad[i]);
	}
}

Test(mbuffctl_perm, symbolic)
{
	static const struct { const char *s; mode_t old; long want; } ok[] = {
		{ "u=rw", 0, 0600 },
		{ "u=rw,g=r", 0, 0640 },
		{ "ug=rw,o=r", 0, 0664 },
		{ "a=rw", 0, 0666 },
		{ "=r", 0666, 0444 },		/* no who: all */
		{ "+w", 0444, 0666 },
		{ "go-w", 0666, 0644 },
		{ "g+r", 0600, 0640 },
		{ "o+rw", 0600, 0606 },
		{ "u-w", 0600, 0400 },
		{ "a-rw", 0666, 0 },
		{ "u=", 0640, 0040 },
		{ "=", 0666, 0 },
		{ "g=u", 0640, 0660 },		/* copy a class */
		{ "o=g", 0640, 0644 },
		{ "go=u", 0600, 0666 },
		{ "u+r-w", 0200, 0400 },	/* several operations */
		{ "g+rw,g-w", 0600, 0640 },
		{ "ugoa+r", 0, 0444 },
		{ "u=rw,g=r,o=", 0666, 0640 },
		{ "u+r", 0711, 0600 },		/* only read and write kept */
	};
	static const char *const range[] = {
		"u+x", "a=rwx", "g+X", "u+s", "o+t", "+x",
	};
	static const char *const bad[] = {
		"", "u", "q=rw", "u=rq", "u=rw,", ",u=rw", "u=rw,,g=r", "u rw",
		"urw", "u=r w", "r", "u=rw g=r", "u=rw;g=r",
	};
	int err;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert_eq(mode(ok[i].s, ok[i].old, NULL), ok[i].want,
			     "'%s' on %#o gave %#lo", ok[i].s, ok[i].old,
			     mode(ok[i].s, ok[i].old, NULL));
	for (size_t i = 0; i < sizeof(range) / sizeof(range[0]); i++) {
		cr_assert_eq(mode(range[i], 0, &err), -1, "'%s'", range[i]);
		cr_assert_eq(err, -ERANGE, "'%s'", range[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(mode(bad[i], 0640, &err), -1, "'%s'", bad[i]);
		cr_assert_eq(err, -EINVAL, "'%s'", bad[i]);
	}
}

/* Owner and group of @s: 0 or the MBUFFCTL_OWNER_* result. */
static int owner(const char *s, uid_t *uid, gid_t *gid)
{
	*uid = 123;
	*gid = 456;
	return mbuffctl_parse_owner(s, uid, gid);
}

Test(mbuffctl_perm, owner_numbers)
{
	uid_t u;
	gid_t g;

	cr_assert_eq(owner("1234", &u, &g), 0);
	cr_assert(u == 1234 && g == (gid_t)-1);
	cr_assert_eq(owner("1234:5678", &u, &g), 0);
	cr_assert(u == 1234 && g == 5678);
	cr_assert_eq(owner(":5678", &u, &g), 0);
	cr_assert(u == (uid_t)-1 && g == 5678);
	cr_assert_eq(owner("0:0", &u, &g), 0);
	cr_assert(u == 0 && g == 0);
	cr_assert_eq(owner("4294967294", &u, &g), 0);
	cr_assert_eq(u, 4294967294u);

	cr_assert_eq(owner("", &u, &g), MBUFFCTL_OWNER_EMPTY);
	cr_assert_eq(owner(":", &u, &g), MBUFFCTL_OWNER_EMPTY);
	cr_assert_eq(owner("4294967295", &u, &g), MBUFFCTL_OWNER_BAD_USER,
		     "(uid_t)-1 means no change: not an owner");
	cr_assert_eq(owner("99999999999", &u, &g), MBUFFCTL_OWNER_BAD_USER);
	cr_assert_eq(owner("-1", &u, &g), MBUFFCTL_OWNER_BAD_USER);
	cr_assert_eq(owner("12x", &u, &g), MBUFFCTL_OWNER_BAD_USER);
	cr_assert_eq(owner("1:4294967295", &u, &g), MBUFFCTL_OWNER_BAD_GROUP);
	cr_assert_eq(owner("1:g x", &u, &g), MBUFFCTL_OWNER_BAD_GROUP);
	cr_assert_eq(owner("1:2:3", &u, &g), MBUFFCTL_OWNER_BAD_GROUP);
	cr_assert_eq(owner("no-such-user-mbuff", &u, &g),
		     MBUFFCTL_OWNER_BAD_USER);
	cr_assert_eq(owner(":no-such-group-mbuff", &u, &g),
		     MBUFFCTL_OWNER_BAD_GROUP);
}

/* Names from the host's databases: root (uid 0) is in every one. */
Test(mbuffctl_perm, owner_names)
{
	const struct passwd *pw = getpwuid(0);
	const struct group *gr = getgrgid(0);
	char spec[300], buf[64];
	gid_t login;
	uid_t u;
	gid_t g;

	if (!pw || !gr)
		cr_skip_test("no name for uid or gid 0 on this host");
	snprintf(spec, sizeof(spec), "%s", pw->pw_name);
	login = pw->pw_gid;
	cr_assert_eq(owner(spec, &u, &g), 0, "'%s'", spec);
	cr_assert(u == 0 && g == (gid_t)-1);
	snprintf(spec, sizeof(spec), "%s:", pw->pw_name);
	cr_assert_eq(owner(spec, &u, &g), 0, "'%s'", spec);
	cr_assert(u == 0 && g == login, "OWNER: is the login group");
	cr_assert_eq(owner("0:", &u, &g), 0, "a number's login group");
	cr_assert_eq(g, login);
	snprintf(spec, sizeof(spec), ":%s", gr->gr_name);
	cr_assert_eq(owner(spec, &u, &g), 0, "'%s'", spec);
	cr_assert(u == (uid_t)-1 && g == 0);
	cr_assert_eq(owner("4294967294:", &u, &g), MBUFFCTL_OWNER_NO_LOGIN,
		     "no user of that number");

	cr_assert_str_eq(mbuffctl_user_name(buf, sizeof(buf), 0), pw->pw_name);
	cr_assert_str_eq(mbuffctl_group_name(buf, sizeof(buf), 0), gr->gr_name);
	cr_assert_null(mbuffctl_user_name(buf, sizeof(buf), (uid_t)-1));
	cr_assert_null(mbuffctl_group_name(buf, sizeof(buf), (gid_t)-1));
	cr_assert_null(mbuffctl_user_name(buf, sizeof(buf), 4294967294u));
}

Test(mbuffctl_perm, show)
{
	char buf[16];

	cr_assert_str_eq(mbuffctl_mode_str(buf, sizeof(buf), 0640), "0640");
	cr_assert_str_eq(mbuffctl_mode_str(buf, sizeof(buf), 0), "0000");
	cr_assert_str_eq(mbuffctl_mode_str(buf, sizeof(buf), (mode_t)-1), "-");
	cr_assert_str_eq(mbuffctl_mode_rwx(buf, sizeof(buf), 0640), "rw-r-----");
	cr_assert_str_eq(mbuffctl_mode_rwx(buf, sizeof(buf), 0666), "rw-rw-rw-");
	cr_assert_str_eq(mbuffctl_mode_rwx(buf, sizeof(buf), 0), "---------");
	cr_assert_str_eq(mbuffctl_id_str(buf, sizeof(buf), "root", 0), "root");
	cr_assert_str_eq(mbuffctl_id_str(buf, sizeof(buf), NULL, 1001), "1001");
	cr_assert_str_eq(mbuffctl_id_str(buf, sizeof(buf), NULL, (unsigned int)-1),
			 "-");
}
