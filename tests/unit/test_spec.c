// SPDX-License-Identifier: GPL-2.0-only
/* The SIZE@PHYS list parser shared by the module and user space. */
#include <criterion/criterion.h>
#include <errno.h>

#include <mbuff/spec.h>

static int parse_all(const char *s, struct mbuff_range *out, int max)
{
	int n = 0, ret;

	while ((ret = mbuff_spec_next(&s, &out[n < max ? n : max - 1])) > 0)
		n++;
	return ret < 0 ? ret : n;
}

Test(spec, numbers_and_suffixes)
{
	struct { const char *in; __u64 v; } t[] = {
		{ "0", 0 }, { "4096", 4096 }, { "0x1000", 0x1000 },
		{ "0X1f", 0x1f }, { "4k", 4096 }, { "64M", 64ull << 20 },
		{ "1G", 1ull << 30 }, { "2T", 2ull << 40 },
		{ "0x10M", 16ull << 20 },
		{ "18446744073709551615", ~0ull },
		{ "0xffffffffffffffff", ~0ull },
		{ "1844674407370955161", ~0ull / 10 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *s = t[i].in;
		__u64 v = 1;

		cr_assert_eq(mbuff_spec_number(&s, &v), 0, "%s", t[i].in);
		cr_assert_eq(v, t[i].v, "%s gave %llu", t[i].in,
			     (unsigned long long)v);
		cr_assert_eq(*s, '\0', "%s not consumed", t[i].in);
	}
}

Test(spec, number_errors)
{
	const char *bad[] = { "", "M", "x10", "0x", "@1" };
	const char *big[] = { "18446744073709551616", "18446744073709551619",
			      "0x10000000000000000", "0x1fffffffffffffff0",
			      "16777216T", "99999999999999999999" };
	__u64 v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *s = bad[i];

		cr_assert_eq(mbuff_spec_number(&s, &v), -EINVAL, "'%s'", bad[i]);
		cr_assert_eq(s, bad[i], "cursor moved on '%s'", bad[i]);
	}
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		const char *s = big[i];

		cr_assert_eq(mbuff_spec_number(&s, &v), -ERANGE, "'%s'", big[i]);
	}
}

Test(spec, lists)
{
	struct mbuff_range r[4];

	cr_assert_eq(parse_all("", r, 4), 0);
	cr_assert_eq(parse_all("64M@256M", r, 4), 1);
	cr_assert_eq(r[0].size, 64ull << 20);
	cr_assert_eq(r[0].phys, 256ull << 20);
	cr_assert_eq(parse_all("4k@0x1000,0x2000@8M,1G@4G", r, 4), 3);
	cr_assert_eq(r[1].size, 0x2000);
	cr_assert_eq(r[1].phys, 8ull << 20);
	cr_assert_eq(r[2].phys, 4ull << 30);
}

Test(spec, list_errors)
{
	struct mbuff_range r[4];
	const char *inval[] = { "64M", "64M@", "@256M", "64M$256M", "64M@256M,",
				"64M@256M,,1M@1G", "0@256M", "64M@256M junk",
				"64M@256M;1M@1G", "-1@0" };

	for (size_t i = 0; i < sizeof(inval) / sizeof(inval[0]); i++)
		cr_assert_eq(parse_all(inval[i], r, 4), -EINVAL, "'%s'", inval[i]);
	cr_assert_eq(parse_all("2@0xffffffffffffffff", r, 4), -ERANGE);
	cr_assert_eq(parse_all("1@0xffffffffffffffff", r, 4), 1);
}

Test(spec, cursor_stops_at_the_bad_range)
{
	const char *s = "4k@0,8k@x";
	struct mbuff_range r;

	cr_assert_eq(mbuff_spec_next(&s, &r), 1);
	cr_assert_str_eq(s, "8k@x");
	cr_assert_eq(mbuff_spec_next(&s, &r), -EINVAL);
	cr_assert_str_eq(s, "8k@x");
}
