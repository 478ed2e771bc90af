# SPDX-License-Identifier: LGPL-2.1-or-later
"""mbuff.Area on process-only areas: create, map, write and read, two
handles on the same bytes, numpy views, information, errors as OSError
with the library's message, close and destroy."""

import errno
import re
import struct

import pytest

import mbuff

SIZE = 64 * 1024


def test_library_version():
    v = mbuff.library_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", v), v
    assert tuple(int(x) for x in v.split(".")) >= (0, 5, 0)


def test_create_write_read(area_name):
    with mbuff.Area(area_name, SIZE, create=True) as a:
        assert a.size == SIZE
        m = a.memory
        assert len(m) == SIZE and not m.readonly
        assert bytes(m[:16]) == bytes(16), "a new area is zeroed"
        m[:5] = b"hello"
        m[SIZE - 3:] = b"end"
        assert bytes(m[:5]) == b"hello"
    with mbuff.Area(area_name) as b:
        assert b.size == SIZE
        assert bytes(b.memory[:5]) == b"hello"
        assert bytes(b.memory[-3:]) == b"end"


def test_two_handles_see_the_same_bytes(area_name):
    with mbuff.Area(area_name, SIZE, create=True) as a, \
            mbuff.Area(area_name, source="process") as b:
        assert a.address != b.address, "two mappings"
        a.memory[100:105] = b"from1"
        assert bytes(b.memory[100:105]) == b"from1"
        b.memory[4096:4101] = b"from2"
        assert bytes(a.memory[4096:4101]) == b"from2"


def test_readonly_handle(area_name):
    with mbuff.Area(area_name, SIZE, create=True) as a:
        a.memory[0] = 42
        with mbuff.Area(area_name, readonly=True) as r:
            assert r.memory.readonly
            assert r.memory[0] == 42
            with pytest.raises(TypeError):
                r.memory[0] = 1
            with pytest.raises(OSError) as e:
                r.notify()
            assert e.value.errno == errno.EBADF


def test_numpy_view(area_name):
    np = pytest.importorskip("numpy")
    with mbuff.Area(area_name, SIZE, create=True) as a, \
            mbuff.Area(area_name) as b:
        x = a.array(np.uint32, 16, offset=64)
        assert x.shape == (16,) and x.flags.writeable
        x[:] = np.arange(16, dtype=np.uint32) * 3
        assert struct.unpack_from("<16I", b.memory, 64) == \
            tuple(range(0, 48, 3))
        y = b.array("int16", offset=4096)
        assert y.shape == ((SIZE - 4096) // 2,)
        y[:4] = [-1, 2, -3, 4]
        assert list(a.array("<i2", 4, 4096)) == [-1, 2, -3, 4]
        del x, y


def test_info_stat_and_list(area_name):
    with mbuff.Area(area_name, SIZE, create=True, mode=0o640) as a:
        info = a.info()
        assert info.name == area_name
        assert info.size == SIZE
        assert info.source == mbuff.SOURCE_PROCESS
        assert info.mode == 0o640
        st = mbuff.stat(area_name)
        assert st.size == SIZE and st.name == area_name
        assert area_name in mbuff.list_names("process")
        assert area_name in mbuff.list_names()
        assert repr(a) == f"<mbuff.Area '{area_name}' {SIZE} bytes>"


@pytest.mark.parametrize("bad", ["bad/name", "", ".", "x" * 33, "a b"])
def test_bad_name_is_EINVAL(bad):
    with pytest.raises(OSError) as e:
        mbuff.Area(bad, 4096, create=True)
    assert e.value.errno == errno.EINVAL
    assert isinstance(e.value, mbuff.Error)
    assert "invalid area name" in str(e.value), str(e.value)
    with pytest.raises(OSError) as e:
        mbuff.name_check(bad)
    assert e.value.errno == errno.EINVAL


def test_nul_in_name_is_EINVAL():
    with pytest.raises(OSError) as e:
        mbuff.Area("a\0b", 4096, create=True)
    assert e.value.errno == errno.EINVAL
    with pytest.raises(TypeError):
        mbuff.Area(42)


def test_missing_area_is_ENOENT(area_name):
    with pytest.raises(OSError) as e:
        mbuff.Area(area_name)
    assert e.value.errno == errno.ENOENT
    assert area_name in str(e.value)
    assert area_name in mbuff.last_error()
    with pytest.raises(OSError) as e:
        mbuff.stat(area_name)
    assert e.value.errno == errno.ENOENT


def test_exclusive_create_is_EEXIST(area_name):
    with mbuff.Area(area_name, SIZE, create=True, exclusive=True):
        with pytest.raises(OSError) as e:
            mbuff.Area(area_name, SIZE, create=True, exclusive=True)
        assert e.value.errno == errno.EEXIST


def test_bad_source():
    with pytest.raises(ValueError):
        mbuff.Area("x", source="elsewhere")
    with pytest.raises(OSError) as e:
        mbuff.Area("x", 4096, create=True, source=99)
    assert e.value.errno == errno.EINVAL


def test_close(area_name):
    a = mbuff.Area(area_name, SIZE, create=True)
    with a:
        assert not a.closed
    assert a.closed
    a.close()
    with pytest.raises(ValueError):
        a.memory
    with pytest.raises(ValueError):
        a.info()
    with pytest.raises(ValueError):
        a.notify()
    assert "closed" in repr(a)


def test_views_outlive_close(area_name):
    a = mbuff.Area(area_name, SIZE, create=True)
    m = a.memory[10:20]
    a.close()
    m[:3] = b"yes"                  # still mapped: the view holds it
    assert bytes(m[:3]) == b"yes"
    with mbuff.Area(area_name) as b:
        assert bytes(b.memory[10:13]) == b"yes"
    del m


def test_destroy(area_name):
    with mbuff.Area(area_name, SIZE, create=True) as a:
        a.memory[0] = 7
    mbuff.destroy(area_name)
    with pytest.raises(OSError) as e:
        mbuff.stat(area_name)
    assert e.value.errno == errno.ENOENT
    assert area_name not in mbuff.list_names("process")
    with pytest.raises(OSError) as e:
        mbuff.destroy(area_name)
    assert e.value.errno == errno.ENOENT


def test_wait_and_notify(area_name):
    with mbuff.Area(area_name, SIZE, create=True) as a, \
            mbuff.Area(area_name) as b:
        assert b.wait(0) is None, "not notified yet"
        a.notify()
        first = b.wait(0)
        assert isinstance(first, int)
        assert b.wait(0.01) is None, "seen: a timeout"
        a.notify()
        a.notify()
        assert b.wait(1) == first + 2


def test_not_supported_is_an_OSError():
    e = mbuff._lib.error(errno.EOPNOTSUPP, "area 'x': waiting is not "
                         "possible with this source")
    assert isinstance(e, mbuff.NotSupportedError)
    assert isinstance(e, OSError) and e.errno == errno.EOPNOTSUPP
