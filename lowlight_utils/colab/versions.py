"""The versions the course was tested with, beside the runtime's, and the warning."""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

#: The package data file written by a passing test run (see :func:`record_tested_versions`).
TESTED_VERSIONS_FILE = "tested_versions.json"

#: The versions recorded and compared, and the distributions that may provide each.
PACKAGES = {
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tf-nightly",
                   "tensorflow-macos"),
    "keras": ("keras",),
    "numpy": ("numpy",),
}

#: How many leading components of a version make its "major" version, i.e. the level at
#: which releases break code: Python and TensorFlow break in their minor releases (3.10 ->
#: 3.12 changes which wheels exist; TensorFlow 2.16 switched to Keras 3), Keras and NumPy in
#: their major ones (Keras 2 -> 3, NumPy 1 -> 2).
BREAKING_LEVEL = {"python": 2, "tensorflow": 2, "keras": 1, "numpy": 1}


def _version_of(distributions: Sequence[str]) -> str | None:
    for dist in distributions:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def runtime_versions() -> dict[str, str | None]:
    """Python, TensorFlow, Keras and NumPy versions of this environment (None: missing).

    Read from the installed distributions' metadata, so TensorFlow is not imported.
    """
    versions: dict[str, str | None] = {"python": platform.python_version()}
    versions.update({name: _version_of(dists) for name, dists in PACKAGES.items()})
    return versions


def _versions_path() -> Path:
    return Path(__file__).resolve().parents[1] / TESTED_VERSIONS_FILE


def tested_versions(path: str | os.PathLike | None = None) -> dict[str, str] | None:
    """The versions the course's tests last passed with, or None if never recorded."""
    path = Path(path) if path is not None else _versions_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise ValueError(f"cannot read the tested versions in {path}: {err}") from err
    return {k: str(v) for k, v in data.items()}


def record_tested_versions(path: str | os.PathLike | None = None,
                           versions: Mapping[str, str | None] | None = None) -> bool:
    """Write the versions a passing test run used (default: this environment's).

    Called by the test suite's session hook (``tests/conftest.py``) after a run of the
    whole suite passes. The file is only rewritten when a version changed.

    Returns
    -------
    bool
        True if the file was written.
    """
    path = Path(path) if path is not None else _versions_path()
    versions = dict(versions if versions is not None else runtime_versions())
    text = json.dumps(versions, indent=2, sort_keys=True) + "\n"
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    path.write_text(text, encoding="utf-8")
    return True


def _major(version: str, level: int) -> tuple[str, ...]:
    return tuple(re.split(r"[.+]", version)[:level])


def major_differences(tested: Mapping[str, str | None],
                      runtime: Mapping[str, str | None]) -> list[str]:
    """Names whose major version differs (see :data:`BREAKING_LEVEL`); missing ones skipped.

    Examples
    --------
    >>> major_differences({"tensorflow": "2.21.0", "numpy": "2.4.6"},
    ...                   {"tensorflow": "2.19.1", "numpy": "2.0.2"})
    ['tensorflow']
    """
    out = []
    for name, level in BREAKING_LEVEL.items():
        a, b = tested.get(name), runtime.get(name)
        if a and b and _major(a, level) != _major(b, level):
            out.append(name)
    return out


_LABELS = {"python": "Python", "tensorflow": "TensorFlow", "keras": "Keras", "numpy": "NumPy"}


def version_report(tested: Mapping[str, str | None] | None,
                   runtime: Mapping[str, str | None]) -> str:
    """A small table of tested and runtime versions, plus a one-sentence warning if needed."""
    lines = [f"{'':12s}{'tested with':>14s}{'this runtime':>14s}"]
    for name, label in _LABELS.items():
        a = (tested or {}).get(name) or "-"
        b = runtime.get(name) or "not installed"
        lines.append(f"{label:12s}{a:>14s}{b:>14s}")
    if tested is None:
        lines.append("No tested versions are recorded in this installation of the course.")
        return "\n".join(lines)
    differ = major_differences(tested, runtime)
    if differ:
        parts = ", ".join(f"{_LABELS[n]} {runtime[n]} here against {tested[n]} tested"
                          for n in differ)
        lines.append(
            f"Warning: this runtime differs from the one the course was last tested with in a "
            f"major version ({parts}), so if a cell fails, suspect that first and report it "
            "with this table."
        )
    return "\n".join(lines)


def report_versions() -> str:
    """Print (and return) :func:`version_report` for this environment."""
    text = version_report(tested_versions(), runtime_versions())
    print(text)
    return text
