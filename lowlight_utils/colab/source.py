"""Where Colab installs the course from: the one place, and rewriting it for a fork.

``REPO_URL`` and ``REPO_REF`` below are read by the tests and rewritten by
``python -m lowlight_utils.colab --repo URL --ref REF`` (:func:`set_source`), which also
rewrites every notebook's ``COURSE_SOURCE`` line and Colab badge.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

#: The repository Colab installs the course from, and the branch, tag or commit.
REPO_URL = "https://github.com/lowlight-course/lowlight-gan-course"
REPO_REF = "main"

_SOURCE_LINE = re.compile(r'^COURSE_SOURCE = "[^"\n]*"', re.M)
_BADGE = re.compile(
    r"https://colab\.research\.google\.com/github/[^/\s)]+/[^/\s)]+/blob/[^/\s)]+/notebooks/"
)
_GITHUB = re.compile(r"^https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")
_MODULE_LINE = {"REPO_URL": re.compile(r'^REPO_URL = "[^"\n]*"$', re.M),
                "REPO_REF": re.compile(r'^REPO_REF = "[^"\n]*"$', re.M)}


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

    Rewrites ``REPO_URL``/``REPO_REF`` in ``<root>/lowlight_utils/colab/source.py``, and in each
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
        If ``root`` has no ``lowlight_utils/colab/source.py`` or no notebooks.
    """
    github_repo(repo)
    _check_ref(ref)
    root = Path(root) if root is not None else Path(__file__).resolve().parents[2]
    module = root / "lowlight_utils" / "colab" / "source.py"
    notebooks = sorted((root / "notebooks").glob("[0-9][0-9]_*.py"))
    if not module.is_file():
        raise FileNotFoundError(f"no lowlight_utils/colab/source.py under {root}")
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
