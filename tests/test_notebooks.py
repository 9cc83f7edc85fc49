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


# ----------------------------------------------------------------------------- readability
# A notebook is a lesson, not a lab log: the prose explains and the cells print. These limits
# keep it so as the course grows (issue 30).
ISO_DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")
MAX_MARKDOWN_LINES = 20  # non-blank lines in one markdown cell
MAX_PROSE_RATIO = 0.8  # non-blank markdown lines per non-blank code line, whole notebook
CLOSING = ["Exercises", "What this notebook showed", "References"]


def _nonblank(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_carries_no_dates_and_no_long_cells(path):
    cells = nbformat.read(path, as_version=4).cells
    dated = [i for i, c in enumerate(cells)
             if c.cell_type == "markdown" and ISO_DATE.search(c.source)]
    assert not dated, f"{path.name}: markdown cells {dated} carry a date (history lives in git)"
    long = [(i, _nonblank(c.source)) for i, c in enumerate(cells)
            if c.cell_type == "markdown" and _nonblank(c.source) > MAX_MARKDOWN_LINES]
    assert not long, f"{path.name}: markdown cells over {MAX_MARKDOWN_LINES} lines: {long}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_is_at_most_four_fifths_of_the_code(path):
    cells = nbformat.read(path, as_version=4).cells
    md = sum(_nonblank(c.source) for c in cells if c.cell_type == "markdown")
    code = sum(_nonblank(c.source) for c in cells if c.cell_type == "code")
    assert md <= MAX_PROSE_RATIO * code, (
        f"{path.name}: {md} markdown lines for {code} code lines "
        f"({md / code:.2f} > {MAX_PROSE_RATIO})")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_lesson_is_on_the_page_not_fetched(path):
    """No ``inspect.getsource`` (the code is written in a cell), no teaching code from bench."""
    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                     if c.cell_type == "code")
    assert "getsource" not in code, f"{path.name} prints library source instead of writing it"
    assert not re.search(r"^\s*(from|import)\s+lowlight_utils\.bench\b", code, re.M), (
        f"{path.name} imports teaching code from lowlight_utils.bench (a benchmark module)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_section_skeleton(path):
    """Sections numbered from 1, then (Going further,) Exercises, What this notebook showed,
    References: the same skeleton in every notebook."""
    heads = [line[3:].strip() for c in nbformat.read(path, as_version=4).cells
             if c.cell_type == "markdown" for line in c.source.splitlines()
             if line.startswith("## ")]
    numbered = [h for h in heads if re.match(r"\d+\.", h)]
    assert numbered and numbered[0].startswith("1."), f"{path.name}: sections start at 1: {heads}"
    numbers = [int(h.split(".")[0]) for h in numbered]
    assert numbers == list(range(1, len(numbers) + 1)), f"{path.name}: {numbers}"
    assert heads[-3:] == CLOSING, f"{path.name} ends with {heads[-3:]}, not {CLOSING}"
    rest = heads[len(numbered):-3]
    assert rest in ([], ["Going further"]), f"{path.name}: unexpected sections {rest}"
