# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python binding's tests: process-only areas (no module needed), the
in-tree library unless MBUFF_LIBRARY says otherwise, and TAP output when
MBUFF_TAP is set (python/run-tests)."""

import os
import sys

import pytest

_top = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# Before mbuff is imported: areas of the process source only.
os.environ["MBUFF_SOURCE"] = "process"
os.environ.pop("MBUFF_DEVMEM", None)
if not os.environ.get("MBUFF_LIBRARY"):
    _so = os.path.join(_top, "build", "lib", "libmbuff.so.0")
    if os.path.exists(_so):
        os.environ["MBUFF_LIBRARY"] = _so
sys.path.insert(0, os.path.join(_top, "python"))

import mbuff  # noqa: E402


@pytest.fixture
def area_name(request):
    """A name of this test's own, its area destroyed after the test."""
    name = f"py-{request.node.name[:16]}-{os.getpid()}"
    yield name
    try:
        mbuff.destroy(name, "process")
    except OSError:
        pass


class _Tap:
    """Each test as a TAP line on the real standard output: ok, not ok
    (with pytest's report as # lines), or ok # SKIP; the plan at the end."""

    def __init__(self):
        self.out = os.fdopen(os.dup(1), "w", buffering=1)
        self.n = 0
        self.counts = {"passed": 0, "failed": 0, "skipped": 0}

    def _line(self, ok, name, directive="", details=None):
        self.n += 1
        self.out.write(f"{'ok' if ok else 'not ok'} {self.n} - {name}"
                       f"{directive}\n")
        for line in (details or "").splitlines()[-60:]:
            self.out.write(f"# {line}\n")

    def pytest_collectreport(self, report):
        if report.failed:
            self.counts["failed"] += 1
            self._line(False, f"collect {report.nodeid or 'tests'}",
                       details=str(report.longrepr))

    def pytest_runtest_logreport(self, report):
        name = report.nodeid
        if report.when != "call":
            name += f" ({report.when})"
        if report.skipped and report.when in ("setup", "call"):
            reason = report.longrepr[2] if isinstance(report.longrepr,
                                                      tuple) else "skipped"
            self.counts["skipped"] += 1
            self._line(True, report.nodeid, f" # SKIP {reason}")
        elif report.failed:
            self.counts["failed"] += 1
            self._line(False, name, details=str(report.longrepr))
        elif report.when == "call":
            self.counts["passed"] += 1
            self._line(True, report.nodeid)

    def pytest_sessionfinish(self, session, exitstatus):
        c = self.counts
        self.out.write(f"1..{self.n}\n")
        self.out.write(f"# python: {c['passed']} passed, {c['failed']} "
                       f"failed, {c['skipped']} skipped\n")


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    if not os.environ.get("MBUFF_TAP"):
        return
    # TAP instead of pytest's report (as pytest-tap does): the reporter
    # goes, its options stay for the plugins that read them.
    reporter = config.pluginmanager.getplugin("terminalreporter")
    if reporter:
        config.pluginmanager.unregister(reporter)
    config.pluginmanager.register(_Tap(), "mbuff-tap")
