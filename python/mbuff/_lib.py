# SPDX-License-Identifier: LGPL-2.1-or-later
"""libmbuff through ctypes: loading the library, its structs and calls.

The library is $MBUFF_LIBRARY when set (an in-tree build:
build/lib/libmbuff.so.0), else libmbuff.so.0 as the dynamic linker finds
it.  Release 0.5 or later is needed: the ring's functions are static
inline in C, and only 0.5 exports them for bindings.
"""

import ctypes
import ctypes.util
import errno
import os

from ctypes import (POINTER, c_char, c_char_p, c_int, c_long,
                    c_size_t, c_ssize_t, c_uint, c_uint32, c_uint64,
                    c_void_p)

NAME_SIZE = 40          # MBUFF_NAME_SIZE: 32 characters, NUL, padding

SOURCE_AUTO = 0
SOURCE_MODULE = 1
SOURCE_DEVMEM = 2
SOURCE_PROCESS = 3

OPEN_CREATE = 1 << 0
OPEN_EXCL = 1 << 1
OPEN_HOLD = 1 << 2
OPEN_MODE = 1 << 3

RING_VIEW_DOUBLED = 1 << 0
RING_REC_EXTENT = 1 << 1
RING_CORRUPT = 0xffffffff
RING_CTL_SIZE = 4096

PROT_READ = 0x1
PROT_WRITE = 0x2

mode_t = c_uint32       # uid_t, gid_t and mode_t: 32 bits on Linux
uid_t = c_uint32
gid_t = c_uint32


class Opts(ctypes.Structure):
    """struct mbuff_opts"""
    _fields_ = [
        ("sz", c_size_t),
        ("backend", c_uint),
        ("memtype", c_uint),
        ("flags", c_uint),
        ("align", c_size_t),
        ("source", c_uint),
        ("mode", mode_t),
        ("prot", c_uint),
    ]


class AreaInfo(ctypes.Structure):
    """struct mbuff_area_info"""
    _fields_ = [
        ("sz", c_size_t),
        ("name", c_char * NAME_SIZE),
        ("size", c_uint64),
        ("phys_addr", c_uint64),
        ("source", c_uint),
        ("backend", c_uint),
        ("memtype", c_uint),
        ("users", c_uint),
        ("kernel_users", c_uint),
        ("files", c_uint),
        ("maps", c_uint),
        ("uid", uid_t),
        ("gid", gid_t),
        ("mode", mode_t),
    ]


class RingView(ctypes.Structure):
    """struct mbuff_ring: one side's view of a ring (libmbuff 0.3 on)"""
    _fields_ = [
        ("ctl", c_void_p),
        ("data", c_void_p),
        ("mask", c_uint32),
        ("doubled", c_int),
        ("prod", c_uint32),
        ("cons", c_uint32),
        ("prod_seen", c_uint32),
        ("cons_seen", c_uint32),
        ("rec_flags", c_uint32),
        ("pending", c_uint32),
        ("area", c_void_p),
        ("area_size", c_uint64),
    ]


class Error(OSError):
    """A libmbuff call failed: errno, and the library's message."""


class NotSupportedError(Error):
    """The area's source cannot do this (EOPNOTSUPP)."""


def error(err, message=None):
    """The exception for -err, with mbuff_last_error() as its text."""
    if message is None:
        message = last_error() or os.strerror(err)
    cls = NotSupportedError if err == errno.EOPNOTSUPP else Error
    return cls(err, message)


def _find():
    path = os.environ.get("MBUFF_LIBRARY")
    if path:
        return path
    return ctypes.util.find_library("mbuff") or "libmbuff.so.0"


def _check(ret, func, args):
    """errcheck of the calls that return >= 0 or -errno"""
    if ret < 0:
        raise error(-ret)
    return ret


# name: (restype, argtypes, check -errno)
_PROTOS = {
    "mbuff_area_open": (c_int, [c_char_p, c_size_t, POINTER(Opts),
                                POINTER(c_void_p)], True),
    "mbuff_area_close": (None, [c_void_p], False),
    "mbuff_area_addr": (c_void_p, [c_void_p], False),
    "mbuff_area_size": (c_size_t, [c_void_p], False),
    "mbuff_area_info": (c_int, [c_void_p, POINTER(AreaInfo)], True),
    "mbuff_area_wait": (c_int, [c_void_p, c_int], False),
    "mbuff_area_notify": (c_int, [c_void_p], True),
    "mbuff_area_ring_attach": (c_int, [c_void_p, POINTER(RingView), c_uint],
                               True),
    "mbuff_stat": (c_int, [c_char_p, c_uint, POINTER(AreaInfo)], True),
    "mbuff_destroy": (c_int, [c_char_p, c_uint], True),
    "mbuff_list_names": (c_ssize_t, [c_char_p, c_size_t, c_uint], False),
    "mbuff_name_check": (c_int, [c_char_p], True),
    "mbuff_last_error": (c_char_p, [], False),
    "mbuff_version": (c_char_p, [], False),
    # The ring, out of line (MBUFF_0.5).
    "mbuff_ring_format_size": (c_long, [c_void_p, c_uint64, c_uint32], True),
    "mbuff_ring_footprint": (c_uint32, [c_uint32], False),
    "mbuff_ring_write": (c_int, [POINTER(RingView), c_char_p, c_uint32],
                         False),
    "mbuff_ring_read": (c_long, [POINTER(RingView), c_void_p, c_uint32],
                        False),
    "mbuff_ring_peek": (c_void_p, [POINTER(RingView), POINTER(c_uint32)],
                        False),
    "mbuff_ring_consume": (None, [POINTER(RingView)], False),
    "mbuff_ring_extent": (c_void_p, [POINTER(RingView), c_void_p, c_uint32,
                                     POINTER(c_uint64)], False),
    "mbuff_ring_free_bytes": (c_uint32, [POINTER(RingView)], False),
    "mbuff_ring_used_bytes": (c_uint32, [POINTER(RingView)], False),
    "mbuff_ring_consumer_sleep": (c_int, [POINTER(RingView)], False),
    "mbuff_ring_wake_consumer": (c_int, [POINTER(RingView)], False),
    "mbuff_ring_producer_sleep": (c_int, [POINTER(RingView), c_uint32],
                                  False),
    "mbuff_ring_wake_producer": (c_int, [POINTER(RingView)], False),
}


def _load():
    path = _find()
    try:
        dll = ctypes.CDLL(path, use_errno=True)
    except OSError as e:
        raise ImportError(f"cannot load libmbuff ({path}): {e}; "
                          "set MBUFF_LIBRARY to its path") from e
    for name, (restype, argtypes, check) in _PROTOS.items():
        try:
            f = getattr(dll, name)
        except AttributeError as e:
            raise ImportError(f"{path} has no {name}: libmbuff 0.5 or "
                              "later is needed") from e
        f.restype = restype
        f.argtypes = argtypes
        if check:
            f.errcheck = _check
    return dll


lib = _load()


def last_error():
    """mbuff_last_error(): what the last failing call of this thread said"""
    return lib.mbuff_last_error().decode(errors="replace")


def encode_name(name):
    """An area name as the library takes it (a str or bytes)."""
    if isinstance(name, str):
        name = name.encode()
    if not isinstance(name, bytes):
        raise TypeError(f"an area name is a str, not {type(name).__name__}")
    if b"\0" in name:
        raise Error(errno.EINVAL,
                    f"invalid area name {name!r}: it contains a NUL byte")
    return name
