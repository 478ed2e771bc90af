# SPDX-License-Identifier: LGPL-2.1-or-later
"""mbuff.Ring through the library's exported ring functions: round trips
of many records of every length in one process, batches, a full and an
empty ring, records too long, and streams across fork() and to another
Python process, in which both sides sleep on the area's notifications."""

import errno
import os
import struct
import subprocess
import sys
import zlib

import pytest

import mbuff

CTL = 4096          # the ring's control page
DATA = 4096         # a small ring: streams go round it many times


PATTERN = bytes(range(256)) * 3


def record(i):
    """Record i: its number, then 0 to 300 bytes drawn from it."""
    start = i * 7 & 0xff
    return struct.pack("<Q", i) + PATTERN[start:start + i * 37 % 301]


def ring_area(name, data=DATA):
    a = mbuff.Area(name, CTL + data, create=True, exclusive=True)
    assert a.format_ring(data) == data
    return a


def test_format_and_attach(area_name):
    with mbuff.Area(area_name, CTL + 3 * DATA, create=True) as a:
        with pytest.raises(OSError) as e:
            a.ring()
        assert e.value.errno == errno.EAGAIN, "not set up yet"
        with pytest.raises(OSError) as e:
            a.format_ring(3000)
        assert e.value.errno == errno.EINVAL
        assert a.format_ring() == 2 * DATA
        r = a.ring()
        assert r.data_size == 2 * DATA
        assert r.max_record == 2 * DATA - 8
        assert r.used_bytes == 0 and r.free_bytes == 2 * DATA
        assert mbuff.Ring.footprint(1) == 16
        assert "Ring" in repr(r)


def test_round_trip_many_records(area_name):
    with ring_area(area_name) as a:
        p, c = a.ring(), a.ring()
        n, got = 20000, 0
        for i in range(n):
            while not p.try_write(record(i)):
                rec = c.try_read()
                assert rec == record(got)
                got += 1
        for rec in c:
            assert rec == record(got)
            got += 1
        assert got == n
        assert c.try_read() is None
        assert p.free_bytes == DATA


def test_batches_and_empty_records(area_name):
    with ring_area(area_name) as a:
        p, c = a.ring(), a.ring()
        for i in range(10):
            p.write(b"" if i % 3 == 0 else record(i), timeout=0)
        assert c.used_bytes > 0
        batch = c.read_batch(4)
        assert batch == [b"" if i % 3 == 0 else record(i) for i in range(4)]
        rest = c.read_batch()
        assert rest == [b"" if i % 3 == 0 else record(i)
                        for i in range(4, 10)]
        assert c.read_batch() == []


def test_full_empty_and_too_long(area_name):
    with ring_area(area_name) as a:
        p, c = a.ring(), a.ring()
        with pytest.raises(OSError) as e:
            p.write(bytes(DATA))
        assert e.value.errno == errno.EMSGSIZE
        p.write(bytes(DATA - 8))             # the largest record
        assert p.free_bytes == 0
        assert not p.try_write(b"x")
        with pytest.raises(TimeoutError):
            p.write(b"x", timeout=0.05)
        assert c.read(timeout=0) == bytes(DATA - 8)
        with pytest.raises(TimeoutError):
            c.read(timeout=0.05)


def test_corrupt_ring_is_EIO(area_name):
    with ring_area(area_name) as a:
        c = a.ring()
        struct.pack_into("<I", a.memory, 128, 12)   # prod: not aligned
        with pytest.raises(OSError) as e:
            c.try_read()
        assert e.value.errno == errno.EIO
        with pytest.raises(OSError) as e:
            c.read_batch()
        assert e.value.errno == errno.EIO


def test_stream_across_fork(area_name):
    n = 20000
    with ring_area(area_name) as a:
        c = a.ring()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                with mbuff.Area(area_name) as child:
                    p = child.ring()
                    for i in range(n):
                        p.write(record(i), timeout=10)
                    code = 0
            finally:
                os._exit(code)
        try:
            for i in range(n):
                assert c.read(timeout=10) == record(i)
        finally:
            _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert c.try_read() is None


CONSUMER = r"""
import sys, zlib, mbuff
name, n = sys.argv[1], int(sys.argv[2])
crc = 0
with mbuff.Area(name) as a:
    r = a.ring()
    for i in range(n):
        rec = r.read(timeout=10)
        if int.from_bytes(rec[:8], "little") != i:
            sys.exit(f"record {i}: {rec[:8].hex()}")
        crc = zlib.crc32(rec, crc)
print(crc)
"""


def test_stream_to_another_process(area_name):
    n = 5000
    with ring_area(area_name) as a:
        p = a.ring()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [os.path.dirname(os.path.dirname(mbuff.__file__))] +
            [x for x in [env.get("PYTHONPATH")] if x])
        child = subprocess.Popen([sys.executable, "-c", CONSUMER, area_name,
                                  str(n)], env=env, stdout=subprocess.PIPE,
                                 text=True)
        crc = 0
        try:
            for i in range(n):
                p.write(record(i), timeout=10)
                crc = zlib.crc32(record(i), crc)
            out, _ = child.communicate(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
        assert child.returncode == 0
        assert int(out) == crc


def test_doubled_view(area_name):
    with ring_area(area_name) as a:
        p, c = a.ring(), a.ring(doubled=True)
        for i in range(500):
            p.write(record(i), timeout=0)
            assert c.read(timeout=0) == record(i)


def test_records_longer_than_the_copy_buffer(area_name):
    data = 256 * 1024
    with ring_area(area_name, data) as a:
        p, c = a.ring(), a.ring()
        big = [bytes([i]) * (70000 + i) for i in range(8)]
        for i, rec in enumerate(big):
            p.write(rec, timeout=0)
            p.write(record(i), timeout=0)
            assert c.try_read() == rec
            assert c.try_read() == record(i)
        assert c.try_read() is None
