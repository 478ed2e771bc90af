# SPDX-License-Identifier: LGPL-2.1-or-later
"""Rings: records of bytes between a producer and a consumer through an
area, with the library's lock-free ring (<mbuff/ring.h>, exported out of
line by libmbuff 0.5).

One producer and one consumer, each with its own Ring of the same area (in
different processes, or threads); the other side may be kernel code or a
C program.  A side that finds nothing to do sleeps on the area's
notifications, and wakes the other only when it sleeps, as mbuff_ring(3)
describes; on a source without notifications (devmem) it polls.
"""

import ctypes
import errno
import time

from . import _lib
from ._lib import lib, error

_POLL = 0.001   # seconds between looks without notifications
_BUF = 65536    # bytes try_read() copies a record through


class Ring:
    """One side's view of the ring in an area: Ring(area, doubled=False).

    The ring must have been set up once (Area.format_ring()).  A Ring
    keeps the area's mapping and handle alive.
    """

    def __init__(self, area, doubled=False):
        self._handle = area._handle
        self._mem = area._mem
        if self._handle is None:
            raise ValueError("ring of a closed area")
        self._view = _lib.RingView()
        flags = _lib.RING_VIEW_DOUBLED if doubled else 0
        lib.mbuff_area_ring_attach(self._handle.ptr,
                                   ctypes.byref(self._view), flags)
        v = self._view
        if v.area != area.address or v.area_size != area.size or \
                v.mask & (v.mask + 1) or (not doubled and v.ctl != v.area):
            # struct mbuff_ring is not laid out as RingView declares it.
            raise error(errno.EPROTO, "libmbuff's struct mbuff_ring is not "
                        "the one this binding knows")
        self._ring = ctypes.byref(self._view)
        self.name = area.name
        self.data_size = self._view.mask + 1
        self.max_record = self.data_size - 8
        self._buf = None
        self._polling = False

    def __repr__(self):
        return f"<mbuff.Ring of {self.name!r}, {self.data_size} bytes>"

    # What each side sees.
    @property
    def used_bytes(self):
        """Bytes waiting for the consumer (consumer's view)."""
        return lib.mbuff_ring_used_bytes(self._ring)

    @property
    def free_bytes(self):
        """Room left for the producer (producer's view)."""
        return lib.mbuff_ring_free_bytes(self._ring)

    @staticmethod
    def footprint(length):
        """Bytes a record of length payload bytes takes in the ring."""
        return lib.mbuff_ring_footprint(length)

    # Waiting for the other side.
    def _notify(self):
        """Wake the other side (it said it sleeps)."""
        if self._polling:
            return
        try:
            lib.mbuff_area_notify(self._handle.ptr)
        except _lib.NotSupportedError:
            self._polling = True    # it polls too

    def _sleep(self, deadline):
        """Sleep until notified, polled, or the deadline; False past it."""
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            return False
        if self._polling:
            time.sleep(_POLL if left is None else min(_POLL, left))
            return True
        ms = -1 if left is None else max(1, int(left * 1000))
        ret = lib.mbuff_area_wait(self._handle.ptr, ms)
        if ret == -errno.EOPNOTSUPP:
            self._polling = True
        elif ret < 0 and ret != -errno.ETIMEDOUT:
            raise error(-ret)
        return True

    @staticmethod
    def _deadline(timeout):
        return None if timeout is None else time.monotonic() + timeout

    # The producer.
    def try_write(self, data):
        """Copy one record in and publish it; False when there is no room.

        Raises mbuff.Error EMSGSIZE for a record that can never fit."""
        data = bytes(data)
        ret = lib.mbuff_ring_write(self._ring, data, len(data))
        if ret == -errno.EAGAIN:
            return False
        if ret < 0:
            raise error(-ret, f"ring of '{self.name}': record of "
                        f"{len(data)} bytes: {errno.errorcode[-ret]}")
        if lib.mbuff_ring_wake_consumer(self._ring):
            self._notify()
        return True

    def write(self, data, timeout=None):
        """Write one record, waiting for room; timeout in seconds (None:
        for ever).  Raises TimeoutError when there is still no room."""
        need = lib.mbuff_ring_footprint(len(data))
        deadline = self._deadline(timeout)
        while not self.try_write(data):
            if lib.mbuff_ring_producer_sleep(self._ring, need) and \
                    not self._sleep(deadline):
                raise TimeoutError(errno.ETIMEDOUT,
                                   f"ring of '{self.name}': no room")

    # The consumer.
    def try_read(self):
        """The next record as bytes, or None when the ring is empty.

        Raises mbuff.Error EIO when the ring is corrupt."""
        if self._buf is None:
            self._buf = ctypes.create_string_buffer(
                max(1, min(self.max_record, _BUF)))
        ret = lib.mbuff_ring_read(self._ring, self._buf, len(self._buf))
        if ret == -errno.EAGAIN:
            return None
        if ret == -errno.EMSGSIZE:
            # Longer than the buffer: copied from where it lies.
            return self.read_batch(1)[0]
        if ret < 0:
            raise error(-ret, f"ring of '{self.name}': "
                        f"{errno.errorcode[-ret]} reading a record")
        if lib.mbuff_ring_wake_producer(self._ring):
            self._notify()
        return self._buf.raw[:ret]

    def read(self, timeout=None):
        """The next record, waiting for one; timeout in seconds (None:
        for ever).  Raises TimeoutError when none came."""
        deadline = self._deadline(timeout)
        while True:
            rec = self.try_read()
            if rec is not None:
                return rec
            if lib.mbuff_ring_consumer_sleep(self._ring) and \
                    not self._sleep(deadline):
                raise TimeoutError(errno.ETIMEDOUT,
                                   f"ring of '{self.name}': no record")

    def read_batch(self, max_records=None):
        """Every record waiting (at most max_records), copied out, their
        room freed with one store: a list, empty when there is none."""
        recs = []
        length = ctypes.c_uint32()
        while max_records is None or len(recs) < max_records:
            p = lib.mbuff_ring_peek(self._ring, ctypes.byref(length))
            if not p:
                break
            if self._view.rec_flags & _lib.RING_REC_EXTENT:
                recs.append(self._extent(p, length.value))
            else:
                recs.append(ctypes.string_at(p, length.value))
        lib.mbuff_ring_consume(self._ring)
        if length.value == _lib.RING_CORRUPT:
            raise error(errno.EIO, f"ring of '{self.name}' is corrupt")
        if lib.mbuff_ring_wake_producer(self._ring):
            self._notify()
        return recs

    def _extent(self, payload, length):
        n = ctypes.c_uint64()
        p = lib.mbuff_ring_extent(self._ring, payload, length,
                                  ctypes.byref(n))
        if not p:
            raise error(errno.EIO, f"ring of '{self.name}': an extent "
                        "outside the area's buffers")
        return ctypes.string_at(p, n.value)

    def __iter__(self):
        """The records waiting now, one by one, without waiting."""
        while True:
            rec = self.try_read()
            if rec is None:
                return
            yield rec
