// SPDX-License-Identifier: MIT
/* The edu DMA example (userspace/examples/edu_dma.c), built for the guest. */
#include "../../userspace/examples/edu_dma.c"
