"""pytest hooks for ``pytest --nbval-lax notebooks/``.

* Print each notebook's total time at the end, and its slowest cells: the quick profile
  promises every notebook in under 4 minutes on a 2-core CPU; this makes the figures visible
  at the end of every ``make test``.
* ``--executed-dir DIR`` saves each notebook as nbval executed it (every cell's outputs, in
  order) to ``DIR/NN_name.ipynb``, so the course site and the clean-output test use the run
  that ``make test`` already made instead of executing every notebook a second time.
* In the quick profile (``LOWLIGHT_PROFILE=quick``, what ``make test`` uses) a cell that
  writes to stderr fails: the executed notebooks, and the site made from them, show no red
  boxes. A warning that matters belongs in a sentence the notebook prints; the rest is
  filtered narrowly where it arises (TensorFlow's start-up log: ``lowlight_utils._shared.tflog``).
* nbval's kernels capture what C code writes to file descriptor 2, as Jupyter's do: ipykernel
  turns that capture off when it sees ``PYTEST_CURRENT_TEST`` in its environment, so the
  kernels start without it. Otherwise TensorFlow's C++ log would reach a student's notebook
  and never the tests.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest

_seconds: dict[str, float] = defaultdict(float)
_cells: dict[str, list[tuple[float, str]]] = defaultdict(list)
#: How many of each notebook's slowest cells the timing report lists.
SLOWEST_CELLS = 5
_saved: list[Path] = []


def _start_kernels_like_jupyter():
    """Start nbval's kernels without PYTEST_CURRENT_TEST (see the module docstring)."""
    try:
        import nbval.kernel as nbval_kernel
    except ImportError:  # nbval not installed: nothing runs notebooks
        return
    original = nbval_kernel.start_new_kernel
    if getattr(original, "_lowlight_env", False):
        return

    def start_new_kernel(*args, **kwargs):
        env = dict(kwargs.pop("env", None) or os.environ)
        env.pop("PYTEST_CURRENT_TEST", None)
        return original(*args, env=env, **kwargs)

    start_new_kernel._lowlight_env = True
    nbval_kernel.start_new_kernel = start_new_kernel


_start_kernels_like_jupyter()


def pytest_addoption(parser):
    parser.addoption(
        "--executed-dir", default=None, metavar="DIR",
        help="save every notebook as nbval executed it (with its outputs) into DIR")


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _seconds[path] += report.duration
        if report.when == "call":
            _cells[path].append((report.duration, report.nodeid.split("::")[-1]))


def _is_nbval_cell(item) -> bool:
    return hasattr(item, "test_outputs") and hasattr(item, "cell") and hasattr(item.parent, "nb")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Fail a passing notebook cell that wrote to stderr (quick profile)."""
    outcome = yield
    report = outcome.get_result()
    if (call.when != "call" or not report.passed or not _is_nbval_cell(item)
            or os.environ.get("LOWLIGHT_PROFILE", "").strip().lower() != "quick"):
        return
    stderr = "".join(out.get("text", "") for out in item.test_outputs or []
                     if out.get("output_type") == "stream" and out.get("name") == "stderr")
    if stderr:
        report.outcome = "failed"
        report.longrepr = (
            f"{item.name} of {Path(str(item.parent.fspath)).name} wrote to stderr; the "
            "notebooks' outputs must be clean (say what matters in a sentence, filter the "
            f"rest narrowly):\n{stderr}")


def pytest_runtest_teardown(item, nextitem):
    """Copy the outputs nbval collected into the notebook; write it after its last cell."""
    out_dir = item.config.getoption("executed_dir", default=None)
    if not out_dir or not _is_nbval_cell(item):
        return
    nb = item.parent.nb
    count = nb.metadata.setdefault("_executed_count", 0)
    if item.test_outputs is not None:  # None: the cell was skipped or never started
        count += 1
        nb.metadata["_executed_count"] = count
        item.cell.execution_count = count
        outputs = []
        for out in item.test_outputs:
            out = dict(out)
            if out["output_type"] == "execute_result":
                out.setdefault("execution_count", count)
            outputs.append(out)
        item.cell.outputs = outputs
    if nextitem is not None and getattr(nextitem, "parent", None) is item.parent:
        return
    import nbformat

    nb.metadata.pop("_executed_count", None)
    target = Path(out_dir) / Path(str(item.parent.fspath)).name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.from_dict(nb), target)
    _saved.append(target)


def pytest_terminal_summary(terminalreporter):
    if _seconds:
        terminalreporter.section("time per notebook")
        for path, seconds in sorted(_seconds.items()):
            terminalreporter.write_line(f"{seconds:7.1f} s  {path}")
        terminalreporter.write_line(f"{sum(_seconds.values()):7.1f} s  in all")
        terminalreporter.section(f"slowest {SLOWEST_CELLS} cells per notebook")
        for path, cells in sorted(_cells.items()):
            slow = sorted(cells, reverse=True)[:SLOWEST_CELLS]
            terminalreporter.write_line(
                f"{Path(path).name}: " + ", ".join(f"{name} {sec:.1f} s" for sec, name in slow))
    if _saved:
        terminalreporter.write_line(
            f"executed notebooks saved: {', '.join(str(p) for p in _saved)}")
