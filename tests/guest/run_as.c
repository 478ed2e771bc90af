// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run a command as another user, for the shell tests (the guest has no
 * su and no user database): no supplementary groups, and, since the ids
 * are not 0, no capabilities.  Not a TAP test itself.
 *
 *   run_as UID:GID COMMAND [ARG...]
 * Exit: COMMAND's status, or 127 when it cannot be run.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned int uid, gid;
	char tail;

	if (argc < 3 || sscanf(argv[1], "%u:%u%c", &uid, &gid, &tail) != 2) {
		fprintf(stderr, "usage: run_as UID:GID COMMAND [ARG...]\n");
		return 127;
	}
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid)) {
		perror("run_as");
		return 127;
	}
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
