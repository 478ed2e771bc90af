// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbuffctl: error messages, names of the library's constants, sizes, JSON
 * strings and the hexdump -C format.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <mbuff/vocab.h>

#include "mbuffctl.h"

void mbuffctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("mbuffctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * The library's explanation of the failure of the call that just returned
 * @ret, in @buf, as mbuffctl prints it: without the ": strerror" the
 * library ends it with (mbuffctl adds its own), and empty when it says no
 * more than @context: "cannot open area 'x'" and "cannot stat area 'x'"
 * add nothing to "cannot open 'x'" or "cannot destroy 'x'".  A message
 * that starts with @context ("cannot import 'x': descriptor 5 is not
 * open") gives what follows it.  This only shapes the message: whether
 * there is one to show is the caller's to know, from where @ret came.
 */
static void mbuffctl_detail(char *buf, size_t len, int ret,
			    const char *context)
{
	const char *msg = mbuff_last_error(), *err = strerror(-ret);
	const char *quoted = strchr(context, '\'');
	size_t mlen = strlen(msg), elen = strlen(err), n;
	char same[256];

	buf[0] = '\0';
	if (mlen < elen + 3 || strcmp(msg + mlen - elen, err) ||
	    strncmp(msg + mlen - elen - 2, ": ", 2))
		return;
	n = mlen - elen - 2;
	if (n >= len)
		return;
	memcpy(buf, msg, n);
	buf[n] = '\0';
	n = strlen(context);
	if (!strncmp(buf, context, n) && !strncmp(buf + n, ": ", 2))
		memmove(buf, buf + n + 2, strlen(buf + n + 2) + 1);
	if (!strcmp(buf, context)) {
		buf[0] = '\0';
		return;
	}
	if (!quoted)
		return;
	snprintf(same, sizeof(same), "cannot open area %s", quoted);
	if (!strcmp(buf, same))
		buf[0] = '\0';
	snprintf(same, sizeof(same), "cannot stat area %s", quoted);
	if (!strcmp(buf, same))
		buf[0] = '\0';
	snprintf(same, sizeof(same), "%.*sarea %s", (int)(quoted - context),
		 context, quoted);
	if (!strcmp(buf, same))
		buf[0] = '\0';
}

/**
 * mbuffctl_fail() - report a failed library call
 * @ret: what it returned, -errno
 * @fmt: what mbuffctl was doing ("cannot open '%s'")
 *
 * Only right after the library call that failed: its explanation
 * (mbuff_last_error()) is about that call.  Prints "mbuffctl: cannot open
 * 'x': No such file or directory", with the library's explanation before
 * the error text when it adds something.  A failure of mbuffctl's own is
 * for mbuffctl_fail_errno().
 *
 * Return: MBUFFCTL_EXIT_ERROR.
 */
int mbuffctl_fail(int ret, const char *fmt, ...)
{
	char context[256], detail[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	mbuffctl_detail(detail, sizeof(detail), ret, context);
	if (detail[0])
		mbuffctl_err("%s: %s: %s", context, detail, strerror(-ret));
	else
		mbuffctl_err("%s: %s", context, strerror(-ret));
	return MBUFFCTL_EXIT_ERROR;
}

/**
 * mbuffctl_fail_errno() - report a failure that is not the library's
 * @ret: -errno, of a system call mbuffctl made or of a decision of its own
 *	(an area that a listing did not find)
 * @fmt: what mbuffctl was doing ("cannot open '%s'")
 *
 * Prints "mbuffctl: cannot open 'x': No such file or directory"; whatever
 * the library said last is about another call, and is left out.
 *
 * Return: MBUFFCTL_EXIT_ERROR.
 */
int mbuffctl_fail_errno(int ret, const char *fmt, ...)
{
	char context[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	mbuffctl_err("%s: %s", context, strerror(-ret));
	return MBUFFCTL_EXIT_ERROR;
}

/* Flush stdout; a write error (a full disk, a closed pipe) is an error. */
int mbuffctl_flush(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		mbuffctl_err("write error: %s", strerror(errno));
		return MBUFFCTL_EXIT_ERROR;
	}
	return MBUFFCTL_EXIT_OK;
}

const char *mbuffctl_source_name(unsigned int source)
{
	switch (source) {
	case MBUFF_SOURCE_MODULE:
		return "module";
	case MBUFF_SOURCE_DEVMEM:
		return "devmem";
	case MBUFF_SOURCE_PROCESS:
		return "process";
	default:
		return NULL;
	}
}

/* The module's names (<mbuff/vocab.h>); NULL for none, or "any". */
const char *mbuffctl_backend_name(unsigned int backend)
{
	return backend == MBUFF_BACKEND_ANY ? NULL : mbuff_backend_word(backend);
}

const char *mbuffctl_memtype_name(unsigned int memtype)
{
	return mbuff_memtype_word(memtype);
}

/* A size as mbuffctl reads it: "64M" when exact, else bytes. */
const char *mbuffctl_size_str(char *buf, size_t len, uint64_t size)
{
	static const char suffix[] = "KMGT";
	int i;

	for (i = 3; i >= 0; i--) {
		uint64_t unit = 1ULL << (10 * (i + 1));

		if (size && !(size % unit)) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(size / unit), suffix[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)size);
	return buf;
}

/* A JSON string: quotes, backslashes and anything not printable escaped. */
void mbuffctl_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void mbuffctl_hexline(FILE *f, const unsigned char *p, size_t n,
			     uint64_t offset)
{
	size_t i;

	fprintf(f, "%08llx ", (unsigned long long)offset);
	for (i = 0; i < 16; i++) {
		if (i == 8)
			fputc(' ', f);
		if (i < n)
			fprintf(f, " %02x", p[i]);
		else
			fputs("   ", f);
	}
	fputs("  |", f);
	for (i = 0; i < n; i++)
		fputc(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.', f);
	fputs("|\n", f);
}

/**
 * mbuffctl_hexdump() - print bytes as hexdump -C does
 * @f: where to
 * @p: the bytes
 * @len: how many
 * @offset: the offset of @p shown on its first line
 *
 * A run of lines equal to the one before is shown as one "*", and the
 * last line is the offset after the last byte.
 */
void mbuffctl_hexdump(FILE *f, const unsigned char *p, uint64_t len,
		      uint64_t offset)
{
	bool starred = false;
	uint64_t i;

	if (!len)
		return;
	for (i = 0; i < len; i += 16) {
		size_t n = len - i < 16 ? (size_t)(len - i) : 16;

		if (i && n == 16 && !memcmp(p + i, p + i - 16, 16)) {
			if (!starred)
				fputs("*\n", f);
			starred = true;
			continue;
		}
		starred = false;
		mbuffctl_hexline(f, p + i, n, offset + i);
	}
	fprintf(f, "%08llx\n", (unsigned long long)(offset + len));
}
