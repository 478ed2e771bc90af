/* SPDX-License-Identifier: MIT */
/* The layout producer and consumer agree on: the latest value and its
 * sequence number (a value may be overwritten before it is read). */
#ifndef MAILBOX_H
#define MAILBOX_H

#include <stdatomic.h>

struct mailbox {
	_Atomic unsigned int seq;
	char text[60];
};

#endif
