# SPDX-License-Identifier: LGPL-2.1-or-later
"""mbuff: named shared-memory areas between the kernel and processes.

A binding of libmbuff through ctypes, no compiler needed:

    import mbuff

    with mbuff.Area("adc", 1 << 20, create=True) as area:
        area.memory[:5] = b"hello"          # a writable memoryview
        samples = area.array("int16", 1024, offset=4096)    # numpy

    with mbuff.Area("adc-ring", 4096 + 65536, create=True) as area:
        area.format_ring()                  # once, before both sides
        ring = area.ring()
        ring.write(b"a record")
        print(ring.read())

The library is $MBUFF_LIBRARY, else libmbuff.so.0 (release 0.5 or
later).  Errors are mbuff.Error, an OSError with the errno and the text of
mbuff_last_error(); mbuff.NotSupportedError when the area's source cannot
do what was asked.
"""

from ._lib import (Error, NotSupportedError, last_error, SOURCE_AUTO,
                   SOURCE_MODULE, SOURCE_DEVMEM, SOURCE_PROCESS)
from ._lib import lib as _dll
from .area import Area, AreaInfo, stat, destroy, list_names, name_check
from .ring import Ring

__version__ = "0.5.0"

__all__ = ["Area", "AreaInfo", "Ring", "Error", "NotSupportedError",
           "stat", "destroy", "list_names", "name_check", "last_error",
           "library_version", "SOURCE_AUTO", "SOURCE_MODULE",
           "SOURCE_DEVMEM", "SOURCE_PROCESS"]


def library_version():
    """The release of the libmbuff loaded (mbuff_version())."""
    return _dll.mbuff_version().decode()
