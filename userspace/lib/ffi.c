// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The ring's and the page markers' functions as exported symbols.
 *
 * <mbuff/ring.h> and <mbuff/pagemark.h> are static inline, which C
 * programs keep using; a binding that loads the shared library (ctypes,
 * cffi in ABI mode, another language's FFI) has no compiler to inline
 * them.  This file compiles the same bodies once more, out of line, under
 * the same names.  The headers declare them "MBUFF_STATIC inline", with
 * MBUFF_STATIC "static" unless defined before; here it makes each one a
 * visible (gnu_inline: plain "inline" emits an external definition, as
 * in GNU C89) and exported function.  The helpers they call stay static
 * inline.  The shared library exports them from release 0.5
 * (libmbuff.map); they behave as the inlines of the headers of the same
 * release, whose struct mbuff_ring and struct mbuff_pagemark they take.
 */
#define MBUFF_STATIC __attribute__((gnu_inline, visibility("default")))

#include <mbuff/ring.h>
#include <mbuff/pagemark.h>
