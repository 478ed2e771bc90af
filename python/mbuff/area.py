# SPDX-License-Identifier: LGPL-2.1-or-later
"""Areas: open or create one, its memory, notifications, and the calls on
names (stat, destroy, list)."""

import ctypes
import errno
import math
from collections import namedtuple

from . import _lib
from ._lib import lib, error, encode_name

AreaInfo = namedtuple("AreaInfo", "name size phys_addr source backend "
                      "memtype users kernel_users files maps uid gid mode")
AreaInfo.__doc__ = "What mbuff_area_info() and mbuff_stat() report."

_SOURCES = {
    None: _lib.SOURCE_AUTO, "auto": _lib.SOURCE_AUTO,
    "module": _lib.SOURCE_MODULE, "devmem": _lib.SOURCE_DEVMEM,
    "process": _lib.SOURCE_PROCESS,
}


def _source(source):
    """A source as the library takes it: a name, or a SOURCE_* number."""
    if isinstance(source, int):
        return source
    try:
        return _SOURCES[source]
    except KeyError:
        raise ValueError(f"no source {source!r}: auto, module, devmem or "
                         "process") from None


def _info(ci):
    return AreaInfo(ci.name.decode(errors="replace"), ci.size, ci.phys_addr,
                    ci.source, ci.backend, ci.memtype, ci.users,
                    ci.kernel_users, ci.files, ci.maps, ci.uid, ci.gid,
                    ci.mode)


class _Handle:
    """One struct mbuff_area *, closed when the last reference goes.

    The area's memory (the ctypes array behind every memoryview and numpy
    array of it) and each ring view hold a reference, so the mapping
    outlives Area.close() for as long as one of them is alive, and no view
    ever points at unmapped memory.
    """

    def __init__(self, ptr):
        self.ptr = ptr

    def close(self):
        ptr, self.ptr = self.ptr, None
        if ptr and lib is not None:
            lib.mbuff_area_close(ptr)

    def __del__(self):
        try:
            self.close()
        except Exception:           # interpreter shutdown
            pass


class Area:
    """An mbuff area, opened (or created) by name.

    Area(name, size=0, create=False, exclusive=False, source=None,
         readonly=False, mode=None, hold=False)

    size: bytes of a new area (0 to open an existing one of any size);
    create: create it if it does not exist (exclusive: fail if it does);
    source: "module", "devmem", "process", or None for the library's
    choice (MBUFF_SOURCE, else the module when loaded); readonly: a
    read-only mapping; mode: the permission bits of a new area.

    An Area is a context manager; close() releases the handle (the
    mapping goes with the last view of it).  Errors are mbuff.Error, an
    OSError with the errno and the library's message.
    """

    def __init__(self, name, size=0, *, create=False, exclusive=False,
                 source=None, readonly=False, mode=None, hold=False):
        opts = _lib.Opts()
        opts.sz = ctypes.sizeof(opts)
        opts.source = _source(source)
        opts.flags = ((_lib.OPEN_CREATE if create else 0) |
                      (_lib.OPEN_EXCL if exclusive else 0) |
                      (_lib.OPEN_HOLD if hold else 0))
        if mode is not None:
            opts.flags |= _lib.OPEN_MODE
            opts.mode = mode
        opts.prot = _lib.PROT_READ if readonly else 0
        ptr = ctypes.c_void_p()
        self._handle = None
        lib.mbuff_area_open(encode_name(name), size, ctypes.byref(opts),
                            ctypes.byref(ptr))
        self._handle = _Handle(ptr.value)
        self.readonly = readonly
        self.size = lib.mbuff_area_size(ptr)
        self.address = lib.mbuff_area_addr(ptr)
        mem = (ctypes.c_ubyte * self.size).from_address(self.address)
        mem._mbuff_handle = self._handle    # the mapping lives with it
        self._mem = mem
        view = memoryview(mem).cast("B")
        self._view = view.toreadonly() if readonly else view
        self.name = self.info().name

    def __repr__(self):
        state = "closed" if self.closed else f"{self.size} bytes"
        return f"<mbuff.Area {self.name!r} {state}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def closed(self):
        return self._handle is None

    def _ptr(self):
        if self._handle is None:
            raise ValueError("I/O operation on a closed area")
        return self._handle.ptr

    def close(self):
        """Release the handle.  The memory stays mapped while views of it
        (memoryviews, numpy arrays, rings) are alive, and is unmapped with
        the last one; with none, at once."""
        self._handle = self._mem = self._view = None

    @property
    def memory(self):
        """The area's bytes, a memoryview (read-only for a read-only
        handle); writes go straight to the shared memory."""
        self._ptr()
        return self._view

    def array(self, dtype, count=-1, offset=0):
        """The area's bytes from offset as a numpy array of dtype, count
        items (-1: as many as fit), sharing the memory."""
        import numpy
        self._ptr()
        return numpy.frombuffer(self._view, dtype=dtype, count=count,
                                offset=offset)

    def info(self):
        """mbuff_area_info(): an AreaInfo."""
        ci = _lib.AreaInfo()
        ci.sz = ctypes.sizeof(ci)
        lib.mbuff_area_info(self._ptr(), ctypes.byref(ci))
        return _info(ci)

    def wait(self, timeout=None):
        """Wait until the area is notified (since the last wait, or since
        it was opened); timeout in seconds, None for ever, 0 to check.

        Returns the event counter, or None on a timeout.  Raises
        mbuff.NotSupportedError when the source has no notifications
        (devmem)."""
        ms = -1 if timeout is None else max(0, math.ceil(timeout * 1000))
        ret = lib.mbuff_area_wait(self._ptr(), ms)
        if ret == -errno.ETIMEDOUT:
            return None
        if ret < 0:
            raise error(-ret)
        return ret

    def notify(self):
        """mbuff_area_notify(): wake whoever waits on the area."""
        lib.mbuff_area_notify(self._ptr())

    def format_ring(self, data_size=0):
        """Set up an empty ring in the area (mbuff_ring_format_size());
        returns its data size.  Once, before either side attaches."""
        if self.readonly:
            raise error(errno.EBADF, f"area '{self.name}' is read-only")
        return lib.mbuff_ring_format_size(self.address, self.size, data_size)

    def ring(self, doubled=False):
        """One side's view of the ring in the area: an mbuff.Ring."""
        from .ring import Ring
        return Ring(self, doubled=doubled)


def stat(name, source=None):
    """mbuff_stat(): what the area called name is, without opening it."""
    ci = _lib.AreaInfo()
    ci.sz = ctypes.sizeof(ci)
    lib.mbuff_stat(encode_name(name), _source(source), ctypes.byref(ci))
    return _info(ci)


def destroy(name, source=None):
    """mbuff_destroy(): remove the area; it goes once its last user does."""
    lib.mbuff_destroy(encode_name(name), _source(source))


def list_names(source=None):
    """The names of all areas of a source (mbuff_list_names())."""
    src = _source(source)
    for _ in range(16):
        need = lib.mbuff_list_names(None, 0, src)
        if need < 0:
            raise error(-need)
        buf = ctypes.create_string_buffer(need + 256)
        n = lib.mbuff_list_names(buf, len(buf), src)
        if n >= 0:
            return [s.decode(errors="replace")
                    for s in buf.raw[:n].split(b"\0")[:-1]]
        if n != -errno.ERANGE:
            raise error(-n)
    raise error(errno.ERANGE)


def name_check(name):
    """mbuff_name_check(): raise mbuff.Error (EINVAL) for an invalid name."""
    lib.mbuff_name_check(encode_name(name))
