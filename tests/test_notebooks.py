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
    # one setup cell: the Colab install inline, then the one call
    assert "google.colab" in code[0].source and "pip" in code[0].source
    assert "PROFILE = setup(" in code[0].source
    again = [i for i, c in enumerate(code[1:], 1)
             if "setup(" in c.source or "get_profile(" in c.source or "use_drive(" in c.source]
    assert not again, f"{path.name}: code cells {again} set up again; setup() does it once"
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


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_each_have_a_worked_solution(path):
    """3-5 exercises, each followed by a solution code cell and a solution markdown cell."""
    cells = nbformat.read(path, as_version=4).cells
    starts = [i for i, c in enumerate(cells) if "exercise" in _tags(c)]
    assert 3 <= len(starts) <= 5, f"{path.name}: {len(starts)} exercises, want 3-5"
    for i in starts:
        assert cells[i].cell_type == "markdown", f"{path.name}: exercise cell {i} is not text"
        code, words = cells[i + 1], cells[i + 2]
        assert code.cell_type == "code" and "solution" in _tags(code), (
            f"{path.name}: exercise cell {i} is not followed by a solution code cell")
        assert words.cell_type == "markdown" and "solution" in _tags(words), (
            f"{path.name}: solution cell {i + 1} has no explanation after it")
        assert "SOLUTION_" not in words.source, f"{path.name}: placeholder left in cell {i + 2}"
    solutions = [i for i, c in enumerate(cells) if "solution" in _tags(c)]
    assert len(solutions) == 2 * len(starts), f"{path.name}: a solution without an exercise"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cell_tags_survive_the_jupytext_pairing(path):
    """The .py keeps the tags (jupytext.toml keeps `tags`), so editing it loses nothing."""
    nb = nbformat.read(path, as_version=4)
    py = jupytext.read(path.with_suffix(".py"))
    assert [_tags(c) for c in nb.cells] == [_tags(c) for c in py.cells]
    text = jupytext.writes(nb, fmt="py:percent")
    assert [_tags(c) for c in jupytext.reads(text, fmt="py:percent").cells] == [
        _tags(c) for c in nb.cells]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ends_with_references_with_links(path):
    cells = nbformat.read(path, as_version=4).cells
    last = cells[-1]
    assert last.cell_type == "markdown" and last.source.startswith("## References"), (
        f"{path.name} must end with a References section")
    links = re.findall(r"\]\((https?://[^)\s]+)\)", last.source)
    assert len(links) >= 3, f"{path.name}: references need links (arXiv/DOI)"
    assert all(re.match(r"https://(arxiv\.org/abs/\d{4}\.\d{4,5}|doi\.org/10\.)", u)
               for u in links if "arxiv" in u or "doi.org" in u), links
