// SPDX-License-Identifier: GPL-2.0-only
/*
 * A 0.7.2-style peer for the shell tests, built only on the legacy header:
 * attach (or create) an area with the classic calls and fill or check
 * bytes; with HOLD, keep it mapped HOLD seconds before detaching.
 * Usage: legacy_poke NAME fill|check OFF LEN BYTE [HOLD]; exit 0 ok, 1
 * failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "legacy/mbuff.h"

int main(int argc, char **argv)
{
	unsigned long off, len, i;
	unsigned char byte, *p;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: legacy_poke NAME fill|check OFF LEN BYTE [HOLD]\n");
		return 2;
	}
	off = strtoul(argv[3], NULL, 0);
	len = strtoul(argv[4], NULL, 0);
	byte = (unsigned char)strtoul(argv[5], NULL, 0);
	p = mbuff_attach(argv[1], (int)(off + len));
	if (!p) {
		perror("legacy_poke: mbuff_attach");
		return 1;
	}
	for (i = 0; i < len; i++) {
		if (!strcmp(argv[2], "fill")) {
			p[off + i] = byte;
		} else if (p[off + i] != byte) {
			fprintf(stderr, "legacy_poke: byte %#lx is %#x\n",
				off + i, p[off + i]);
			return 1;
		}
	}
	if (argc == 7)
		sleep((unsigned int)strtoul(argv[6], NULL, 0));
	mbuff_detach(argv[1], p);
	return 0;
}
