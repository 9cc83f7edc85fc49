"""Running the course on Google Colab: where it is installed from, versions, Google Drive.

This module is the one place that says where Colab installs the course from
(:data:`REPO_URL` at :data:`REPO_REF`). The notebooks' setup cell runs before the package
exists, so it cannot import it: it carries a copy of that source in one line
(``COURSE_SOURCE = "git+URL@REF"``), and every notebook's "Open in Colab" badge names the
same repository and ref. A test checks both against this module. After forking the course,
one command points all of them (and this module) at the fork::

    python -m lowlight_utils.colab --repo https://github.com/YOU/lowlight-gan-course --ref main

The test run records the versions it passed with (Python, TensorFlow, Keras, NumPy) in
``lowlight_utils/tested_versions.json``, shipped with the package; on Colab the setup cell
prints them beside the runtime's own and warns when a major version differs
(:func:`report_versions`), because Colab upgrading its TensorFlow, Keras or NumPy is the
commonest way a notebook course breaks.

:func:`use_drive` mounts Google Drive and points the runs root (``$LOWLIGHT_RUNS_DIR``,
read by :func:`lowlight_utils.config.runs_dir`) at a Drive folder, so training that a
closed session interrupted resumes in the next one.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

#: The repository Colab installs the course from, and the branch, tag or commit.
REPO_URL = "https://github.com/lowlight-course/lowlight-gan-course"
REPO_REF = "main"

#: The package data file written by a passing test run (see :func:`record_tested_versions`).
TESTED_VERSIONS_FILE = "tested_versions.json"

#: Where :func:`use_drive` keeps the runs, under the Drive's ``MyDrive``.
DRIVE_FOLDER = "lowlight-course/runs"

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

_SOURCE_LINE = re.compile(r'^COURSE_SOURCE = "[^"\n]*"', re.M)
_BADGE = re.compile(
    r"https://colab\.research\.google\.com/github/[^/\s)]+/[^/\s)]+/blob/[^/\s)]+/notebooks/"
)
_GITHUB = re.compile(r"^https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")
_MODULE_LINE = {"REPO_URL": re.compile(r'^REPO_URL = "[^"\n]*"$', re.M),
                "REPO_REF": re.compile(r'^REPO_REF = "[^"\n]*"$', re.M)}


# --------------------------------------------------------------------------------------
# Where the course is installed from


def github_repo(url: str = REPO_URL) -> str:
    """``owner/name`` of a GitHub repository URL.

    Raises
    ------
    ValueError
        If ``url`` is not ``https://github.com/OWNER/NAME`` (Colab's badges open GitHub only).

    Examples
    --------
    >>> github_repo("https://github.com/lowlight-course/lowlight-gan-course")
    'lowlight-course/lowlight-gan-course'
    """
    match = _GITHUB.match(url.strip())
    if not match:
        raise ValueError(
            f"expected a GitHub repository URL like https://github.com/OWNER/NAME, got {url!r}"
        )
    return f"{match.group(1)}/{match.group(2)}"


def _check_ref(ref: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.][A-Za-z0-9_./-]*", ref) or ".." in ref:
        raise ValueError(f"not a usable git branch, tag or commit: {ref!r}")
    return ref


def install_source(repo: str = REPO_URL, ref: str = REPO_REF) -> str:
    """What pip installs the course from: ``git+URL@REF``.

    Examples
    --------
    >>> install_source()
    'git+https://github.com/lowlight-course/lowlight-gan-course@main'
    """
    return f"git+https://github.com/{github_repo(repo)}@{_check_ref(ref)}"


def badge_url(notebook: str, repo: str = REPO_URL, ref: str = REPO_REF) -> str:
    """The "Open in Colab" link of ``notebooks/<notebook>`` (a file name like ``02_x.ipynb``).

    Examples
    --------
    >>> badge_url("02_pix2pix_bce.ipynb")  # doctest: +ELLIPSIS
    'https://colab.research.google.com/github/lowlight-course/.../blob/main/notebooks/02_...'
    """
    return (f"https://colab.research.google.com/github/{github_repo(repo)}/blob/"
            f"{_check_ref(ref)}/notebooks/{notebook}")


def setup_source_line(repo: str = REPO_URL, ref: str = REPO_REF) -> str:
    """The line of every notebook's setup cell that says what to install."""
    return f'COURSE_SOURCE = "{install_source(repo, ref)}"'


def _rewrite_text(text: str, repo: str, ref: str) -> str:
    text = _SOURCE_LINE.sub(setup_source_line(repo, ref), text)
    prefix = badge_url("", repo, ref)
    return _BADGE.sub(prefix, text)


def set_source(repo: str, ref: str = REPO_REF, root: str | os.PathLike | None = None,
               ) -> list[Path]:
    """Point the course at another repository: this module, and every notebook pair.

    Rewrites ``REPO_URL``/``REPO_REF`` in ``<root>/lowlight_utils/colab.py``, and in each
    ``<root>/notebooks/NN_*.py`` and ``.ipynb`` the setup cell's ``COURSE_SOURCE`` line and
    the Colab badge. Nothing else in the files changes (the ``.ipynb`` is rewritten in the
    layout Jupyter and jupytext write), so the pairs stay in sync.

    Parameters
    ----------
    repo : str
        ``https://github.com/OWNER/NAME`` of the fork.
    ref : str
        Branch, tag or commit to install from and open.
    root : path, optional
        The course's checkout (default: the one this module is in).

    Returns
    -------
    list of Path
        The files that changed.

    Raises
    ------
    ValueError
        For a URL that is not a GitHub repository, or an unusable ref.
    FileNotFoundError
        If ``root`` has no ``lowlight_utils/colab.py`` or no notebooks.
    """
    github_repo(repo)
    _check_ref(ref)
    root = Path(root) if root is not None else Path(__file__).resolve().parents[1]
    module = root / "lowlight_utils" / "colab.py"
    notebooks = sorted((root / "notebooks").glob("[0-9][0-9]_*.py"))
    if not module.is_file():
        raise FileNotFoundError(f"no lowlight_utils/colab.py under {root}")
    if not notebooks:
        raise FileNotFoundError(f"no notebooks (notebooks/NN_*.py) under {root}")
    url = f"https://github.com/{github_repo(repo)}"
    changed = []

    def write(path: Path, new: str, old: str) -> None:
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed.append(path)

    text = module.read_text(encoding="utf-8")
    new = _MODULE_LINE["REPO_URL"].sub(f'REPO_URL = "{url}"', text)
    write(module, _MODULE_LINE["REPO_REF"].sub(f'REPO_REF = "{ref}"', new), text)
    for script in notebooks:
        text = script.read_text(encoding="utf-8")
        write(script, _rewrite_text(text, url, ref), text)
        ipynb = script.with_suffix(".ipynb")
        if not ipynb.is_file():
            continue
        text = ipynb.read_text(encoding="utf-8")
        nb = json.loads(text)
        for cell in nb["cells"]:
            source = cell["source"]
            joined = "".join(source) if isinstance(source, list) else source
            rewritten = _rewrite_text(joined, url, ref)
            cell["source"] = (rewritten.splitlines(keepends=True) if isinstance(source, list)
                              else rewritten)
        write(ipynb, json.dumps(nb, indent=1, ensure_ascii=False) + "\n", text)
    return changed


def notebook_sources(path: str | os.PathLike) -> tuple[str | None, list[str]]:
    """The ``COURSE_SOURCE`` value of a notebook's first code cell, and its badge links.

    Reads a ``.ipynb`` (JSON) or a paired percent-format ``.py``.

    Returns
    -------
    (str or None, list of str)
        ``None`` when the first code cell has no ``COURSE_SOURCE`` line.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        cells = json.loads(text)["cells"]
        first = next(("".join(c["source"]) for c in cells if c["cell_type"] == "code"), "")
        everything = "\n".join("".join(c["source"]) for c in cells)
    else:
        chunks = re.split(r"^# %%(.*)$", text, flags=re.M)
        code = [body for marker, body in zip(chunks[1::2], chunks[2::2], strict=True)
                if "[markdown]" not in marker]
        first, everything = (code[0] if code else ""), text
    match = re.search(r'^COURSE_SOURCE = "([^"\n]*)"', first, re.M)
    badges = re.findall(r"https://colab\.research\.google\.com/github/[^\s)]+", everything)
    return (match.group(1) if match else None), badges


# --------------------------------------------------------------------------------------
# Versions


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
    return Path(__file__).resolve().parent / TESTED_VERSIONS_FILE


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


# --------------------------------------------------------------------------------------
# Google Drive


def point_runs_at(folder: str | os.PathLike) -> Path:
    """Create ``folder`` and make it the runs root (``$LOWLIGHT_RUNS_DIR``) of this process."""
    from .config import RUNS_ENV

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ[RUNS_ENV] = str(folder)
    return folder


def use_drive(folder: str = DRIVE_FOLDER, mount_point: str = "/content/drive") -> Path:
    """On Colab: mount Google Drive and keep every run under ``MyDrive/<folder>``.

    Colab asks for permission to the Drive the first time. Afterwards
    :func:`lowlight_utils.config.runs_dir` returns the Drive folder, so checkpoints and
    backups outlive the session and re-running a notebook in a new session resumes.

    Returns
    -------
    Path
        The runs root on the Drive.

    Raises
    ------
    RuntimeError
        Outside Colab (there is no Drive to mount).
    """
    try:
        from google.colab import drive
    except ImportError as err:
        raise RuntimeError(
            "use_drive() works on Google Colab only; elsewhere set LOWLIGHT_RUNS_DIR to a "
            "folder instead"
        ) from err
    drive.mount(mount_point)
    root = point_runs_at(Path(mount_point) / "MyDrive" / folder)
    print(f"runs are kept on Google Drive: {root}")
    return root


# --------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    """``python -m lowlight_utils.colab``: show the install source, or point it at a fork."""
    parser = argparse.ArgumentParser(
        prog="python -m lowlight_utils.colab",
        description="Print where Colab installs the course from; with --repo, point this "
        "module, every notebook's setup cell and every Colab badge at another repository.")
    parser.add_argument("--repo", help="https://github.com/OWNER/NAME of your fork")
    parser.add_argument("--ref", default=None,
                        help=f"branch, tag or commit (default: the current one, {REPO_REF})")
    parser.add_argument("--root", default=None, help="the course checkout (default: this one)")
    parser.add_argument("--versions", action="store_true",
                        help="print the tested and installed versions")
    args = parser.parse_args(argv)
    if args.versions:
        report_versions()
        return 0
    if args.repo is None and args.ref is None:
        print(f"installs from {install_source()}")
        return 0
    try:
        changed = set_source(args.repo or REPO_URL, args.ref or REPO_REF, args.root)
    except (ValueError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"rewrote {path}")
    print(f"{len(changed)} file(s) now install from "
          f"{install_source(args.repo or REPO_URL, args.ref or REPO_REF)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
