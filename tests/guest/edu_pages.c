// SPDX-License-Identifier: MIT
/* The page-marker DMA example (userspace/examples/edu_pages.c), for the guest. */
#include "../../userspace/examples/edu_pages.c"
