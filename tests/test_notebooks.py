"""Every notebook follows the course's conventions (DESIGN.md, "Notebooks").

Executing them is nbval's job (`make notebooks`); these checks are static and fast.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCRIPTS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
REPO = "lowlight-course/lowlight-gan-course"


def test_there_are_notebooks_and_every_script_has_one():
    assert NOTEBOOKS, "no notebooks found"
    assert {p.stem for p in SCRIPTS} == {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_paired_script_is_in_sync(path):
    nb = nbformat.read(path, as_version=4)
    py = jupytext.read(path.with_suffix(".py"))
    left = [(c.cell_type, c.source.strip()) for c in nb.cells]
    right = [(c.cell_type, c.source.strip()) for c in py.cells]
    assert left == right, f"{path.name} and its .py differ: run `make sync`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_stripped(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs (strip them)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_header_setup_profile_and_final_asserts(path):
    cells = nbformat.read(path, as_version=4).cells
    head = cells[0]
    assert head.cell_type == "markdown" and head.source.startswith("# ")
    badge = f"https://colab.research.google.com/github/{REPO}/blob/main/notebooks/{path.name}"
    assert badge in head.source, f"{path.name}: the Colab badge must point at its own path"
    assert re.search(r"(?i)accelerator|GPU|CPU", head.source)
    code = [c for c in cells if c.cell_type == "code"]
    assert "google.colab" in code[0].source and "pip" in code[0].source
    assert "get_profile()" in code[1].source and "print(" in code[1].source
    assert re.search(r"^assert ", code[-1].source, re.M), f"{path.name} must end by asserting"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_code_cell_is_introduced(path):
    """Each code cell follows a markdown cell (or another code cell of the same step)."""
    cells = nbformat.read(path, as_version=4).cells
    runs, run = [], 0
    for c in cells:
        run = run + 1 if c.cell_type == "code" else 0
        runs.append(run)
    assert max(runs) <= 2, f"{path.name}: more than two code cells in a row without a word"
