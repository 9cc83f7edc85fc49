"""pytest hooks for ``pytest --nbval-lax notebooks/``: print each notebook's total time.

The quick profile promises every notebook in under 4 minutes on a 2-core CPU; this makes
the figure visible at the end of every ``make test``.
"""

from __future__ import annotations

from collections import defaultdict

_seconds: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _seconds[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    terminalreporter.section("time per notebook")
    for path, seconds in sorted(_seconds.items()):
        terminalreporter.write_line(f"{seconds:7.1f} s  {path}")
    terminalreporter.write_line(f"{sum(_seconds.values()):7.1f} s  in all")
