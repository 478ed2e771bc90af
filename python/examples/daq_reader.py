#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A data-acquisition reader: take the blocks an ADC producer puts in an
mbuff ring, check that none is lost, and report the rate and the signal.

The producer is kernel code in a real system: the in-tree test module
tests/kmod/mbuff_ring_producer.ko (area "kring" of the module, records of
record_size bytes), or a driver that does the same.  Each record starts
with the header of tests/kmod/mbuff_ring_record.h, a sequence number,
the record's length and a checksum (64-bit FNV-1a, folded to 32 bits):

    struct mbuff_ring_record { __u64 seq; __u32 len; __u32 sum; };

and the rest is read here as 16-bit samples.  With --produce, a Python
producer stands in for the ADC: a child process that fills records of a
sine wave with noise into a process-only area, at --rate blocks a second.

    # in a guest, with the module and the test producer loaded:
    insmod mbuff_ring_producer.ko count=100000
    python3 daq_reader.py --count 100000
    # on any machine, in the source tree (make lib):
    PYTHONPATH=python MBUFF_LIBRARY=build/lib/libmbuff.so.0 \\
        python3 python/examples/daq_reader.py --produce --count 20000

The reader sleeps on the area's notifications when the ring is empty;
the producer wakes it only then (see mbuff_ring(3)).
"""

import argparse
import math
import os
import struct
import sys
import time

import mbuff

HEADER = struct.Struct("<QII")          # struct mbuff_ring_record
BASIS = 0xcbf29ce484222325
PRIME = 0x100000001b3
MASK = (1 << 64) - 1


def checksum(rec):
    """mbuff_ring_record_sum(): FNV-1a of seq, len, then the payload
    after the header, 64-bit words then bytes."""
    seq, length, _ = HEADER.unpack_from(rec)
    h = BASIS
    for v in (seq, length):
        h = ((h ^ v) * PRIME) & MASK
    words = (len(rec) - HEADER.size) // 8
    for (w,) in struct.iter_unpack("<Q", rec[HEADER.size:HEADER.size +
                                             words * 8]):
        h = ((h ^ w) * PRIME) & MASK
    for b in rec[HEADER.size + words * 8:]:
        h = ((h ^ b) * PRIME) & MASK
    return (h ^ (h >> 32)) & 0xffffffff


def produce(name, count, samples, rate):
    """The stand-in ADC: count blocks of samples 16-bit samples."""
    with mbuff.Area(name) as area:
        ring = area.ring()
        period = 1.0 / rate if rate else 0
        t0 = time.monotonic()
        for seq in range(count):
            phase = seq * samples
            block = struct.pack(
                f"<{samples}h",
                *(int(2000 * math.sin((phase + k) * 0.01)) +
                  (((phase + k) * 2654435761) >> 20) % 64 - 32
                  for k in range(samples)))
            length = HEADER.size + len(block)
            rec = HEADER.pack(seq, length, 0) + block
            rec = HEADER.pack(seq, length, checksum(rec)) + block
            ring.write(rec, timeout=10)
            if period:
                time.sleep(max(0, t0 + (seq + 1) * period -
                               time.monotonic()))


def signal(rec):
    """min, max and mean of the samples of a record."""
    body = memoryview(rec)[HEADER.size:]
    n = len(body) // 2
    if not n:
        return None
    try:
        import numpy
        s = numpy.frombuffer(body, dtype="<i2", count=n)
        return int(s.min()), int(s.max()), float(s.mean())
    except ImportError:
        s = struct.unpack_from(f"<{n}h", body)
        return min(s), max(s), sum(s) / n


def read(ring, count, verify, timeout):
    expect, lost, bad, nbytes = None, 0, 0, 0
    got = 0
    t0 = last = time.monotonic()
    while count == 0 or got < count:
        try:
            batch = [ring.read(timeout=timeout)] + ring.read_batch()
        except TimeoutError:
            print(f"daq_reader: no block for {timeout} s", file=sys.stderr)
            break
        for rec in batch:
            seq, length, sum_ = HEADER.unpack_from(rec)
            if length != len(rec):
                bad += 1
            elif verify and checksum(rec) != sum_:
                bad += 1
            if expect is not None and seq != expect:
                lost += seq - expect if seq > expect else 0
            expect = seq + 1
            nbytes += len(rec)
            got += 1
        now = time.monotonic()
        if now - last >= 1 or (count and got >= count):
            s = signal(batch[-1])
            print(f"{got} blocks, {got / (now - t0):.0f}/s, "
                  f"{nbytes / (now - t0) / 1e6:.1f} MB/s, lost {lost}, "
                  f"bad {bad}" +
                  (f"; last block min {s[0]} max {s[1]} mean {s[2]:.1f}"
                   if s else ""))
            last = now
    return got, lost, bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--area", default=None,
                    help="the area (default: kring, or daq-PID with "
                    "--produce)")
    ap.add_argument("--source", default=None,
                    choices=["module", "process", "auto"],
                    help="where the area is (default: the library's choice;"
                    " process with --produce)")
    ap.add_argument("--count", type=int, default=0,
                    help="blocks to read, 0 until none comes (default 0)")
    ap.add_argument("--verify", action="store_true",
                    help="check each block's checksum (slow)")
    ap.add_argument("--timeout", type=float, default=5,
                    help="seconds to wait for a block (default 5)")
    ap.add_argument("--produce", action="store_true",
                    help="fill the ring from a Python producer in a child "
                    "process")
    ap.add_argument("--samples", type=int, default=512,
                    help="samples a block with --produce (default 512)")
    ap.add_argument("--rate", type=float, default=0,
                    help="blocks a second with --produce, 0 as fast as "
                    "possible (default 0)")
    args = ap.parse_args()

    pid = None
    if args.produce:
        name = args.area or f"daq-{os.getpid()}"
        count = args.count or 10000
        area = mbuff.Area(name, 4096 + (1 << 20), create=True,
                          exclusive=True, source=args.source or "process")
        area.format_ring()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                produce(name, count, args.samples, args.rate)
                code = 0
            finally:
                os._exit(code)
    else:
        name, count = args.area or "kring", args.count
        area = mbuff.Area(name, source=args.source)
    try:
        with area:
            got, lost, bad = read(area.ring(), count, args.verify,
                                  args.timeout)
    finally:
        if pid:
            _, status = os.waitpid(pid, 0)
            mbuff.destroy(name, args.source or "process")
            if os.waitstatus_to_exitcode(status):
                print("daq_reader: the producer failed", file=sys.stderr)
                return 1
    return 0 if got and not lost and not bad else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as e:
        sys.exit(f"daq_reader: {e.strerror or e}")
