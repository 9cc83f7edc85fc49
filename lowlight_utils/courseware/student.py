"""The student edition: every notebook with its worked solutions taken out.

An exercise is a markdown cell tagged ``exercise``; its worked solution is the cells tagged
``solution`` after it (code that runs, and a markdown cell saying what to expect). The student
edition keeps every exercise and replaces each run of solution cells with one empty code
cell for the student's answer. ``make course`` writes it to ``build/course/student/``.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[
...     nbformat.v4.new_markdown_cell("Try n_critic = 1.", metadata={"tags": ["exercise"]}),
...     nbformat.v4.new_code_cell("train(n_critic=1)", metadata={"tags": ["solution"]})])
>>> [c.cell_type for c in student_edition(nb).cells]
['markdown', 'code']
"""

from __future__ import annotations

import copy
from pathlib import Path

EXERCISE, SOLUTION = "exercise", "solution"
ANSWER_TAG = "answer"
ANSWER_SOURCE = "# Your answer here: change one thing, run, and compare with the numbers above."


def tags(cell) -> set[str]:
    """The cell's tags as a set (empty when it has none)."""
    return set(cell.get("metadata", {}).get("tags", []))


def count_tagged(nb, tag: str) -> int:
    """How many cells of ``nb`` carry ``tag``."""
    return sum(tag in tags(c) for c in nb.cells)


def student_edition(nb):
    """Return a copy of ``nb`` without its ``solution`` cells (the input is not modified).

    Each run of consecutive solution cells becomes one empty code cell tagged ``answer``;
    outputs and execution counts of the remaining code cells are cleared, so the student
    runs the notebook from the top.

    Raises
    ------
    ValueError
        If a cell is tagged both ``exercise`` and ``solution``.
    """
    import nbformat

    cells = []
    for i, cell in enumerate(nb.cells):
        cell_tags = tags(cell)
        if {EXERCISE, SOLUTION} <= cell_tags:
            raise ValueError(f"cell {i} is tagged both '{EXERCISE}' and '{SOLUTION}'")
        if SOLUTION in cell_tags:
            if not cells or ANSWER_TAG not in tags(cells[-1]):
                cells.append(nbformat.v4.new_code_cell(
                    ANSWER_SOURCE, metadata={"tags": [ANSWER_TAG]}))
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    out = copy.deepcopy(nb)
    out.cells = cells
    return out


def write_student_edition(notebooks: list[Path], out_dir: Path) -> list[Path]:
    """Write the student edition of each notebook into ``out_dir`` (same file names).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ValueError
        If a notebook cannot be read, if ``out_dir`` would overwrite one of ``notebooks``, or
        if the edition lost an exercise or kept a solution (a check on this function).
    """
    import nbformat

    out_dir = Path(out_dir)
    written = []
    for path in notebooks:
        path = Path(path)
        target = out_dir / path.name
        if target.resolve() == path.resolve():
            raise ValueError(f"the student edition of {path} would overwrite it; choose "
                             "another output folder")
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as err:  # nbformat raises several kinds; name the file
            raise ValueError(f"{path}: not a readable notebook ({err})") from err
        student = student_edition(nb)
        if (count_tagged(student, EXERCISE) != count_tagged(nb, EXERCISE)
                or count_tagged(student, SOLUTION)):
            raise ValueError(f"{path}: the student edition lost an exercise or kept a solution")
        out_dir.mkdir(parents=True, exist_ok=True)
        nbformat.write(student, target)
        written.append(target)
    return written
