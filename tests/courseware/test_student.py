"""The student edition: every exercise kept, every solution removed."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from lowlight_utils.config import is_smoke
from lowlight_utils.courseware.student import (
    ANSWER_SOURCE,
    ANSWER_TAG,
    EXERCISE,
    SOLUTION,
    count_tagged,
    solution_only_names,
    student_edition,
    tags,
    write_student_edition,
)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
new_md, new_code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell


def synthetic_notebook():
    """Two exercises: one with a code + markdown solution, one with a code solution."""
    return nbformat.v4.new_notebook(cells=[
        new_md("# Title"),
        new_code("x = 1", outputs=[nbformat.v4.new_output("stream", text="1\n")],
                 execution_count=1),
        new_md("**Exercise 1.** Drop the L1 term.", metadata={"tags": [EXERCISE]}),
        new_code("train(l1=0)", metadata={"tags": [SOLUTION]}),
        new_md("The PSNR falls: the L1 term anchors colours.", metadata={"tags": [SOLUTION]}),
        new_md("**Exercise 2.** Set n_critic to 1.", metadata={"tags": [EXERCISE]}),
        new_code("train(n_critic=1)", metadata={"tags": [SOLUTION, "other"]}),
        new_md("## References"),
    ])


def test_student_edition_keeps_exercises_and_drops_solutions():
    nb = synthetic_notebook()
    before = nbformat.writes(nb)
    student = student_edition(nb)
    assert nbformat.writes(nb) == before  # the input is not modified
    assert count_tagged(student, EXERCISE) == 2 and count_tagged(student, SOLUTION) == 0
    text = nbformat.writes(student)
    for gone in ("train(l1=0)", "anchors colours", "n_critic=1)"):
        assert gone not in text
    # each run of solution cells became one empty answer cell right after its exercise
    kinds = [(c.cell_type, sorted(tags(c))) for c in student.cells]
    assert kinds == [("markdown", []), ("code", []), ("markdown", [EXERCISE]),
                     ("code", [ANSWER_TAG]), ("markdown", [EXERCISE]), ("code", [ANSWER_TAG]),
                     ("markdown", [])]
    assert student.cells[1].outputs == [] and student.cells[1].execution_count is None


def test_a_cell_cannot_be_both(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[new_md("x", metadata={"tags": [EXERCISE, SOLUTION]})])
    with pytest.raises(ValueError, match="cell 0 .*both"):
        student_edition(nb)


def test_write_refuses_to_overwrite_and_names_bad_files(tmp_path):
    path = tmp_path / "01_x.ipynb"
    nbformat.write(synthetic_notebook(), path)
    with pytest.raises(ValueError, match="overwrite"):
        write_student_edition([path], tmp_path)
    bad = tmp_path / "02_bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="02_bad.ipynb"):
        write_student_edition([bad], tmp_path / "student")


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks")
def test_student_edition_of_the_course(tmp_path):
    """The course's own notebooks: every exercise is there, no solution is."""
    written = write_student_edition(NOTEBOOKS, tmp_path)
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    for source, student_path in zip(NOTEBOOKS, written, strict=True):
        full = nbformat.read(source, as_version=4)
        student = nbformat.read(student_path, as_version=4)
        assert count_tagged(student, EXERCISE) == count_tagged(full, EXERCISE), source.name
        assert count_tagged(student, SOLUTION) == 0, source.name
        exercises = [c.source for c in full.cells if EXERCISE in tags(c)]
        assert exercises == [c.source for c in student.cells if EXERCISE in tags(c)]
        kept = {c.source for c in student.cells}
        for cell in full.cells:
            if SOLUTION in tags(cell) and cell.source.strip():
                assert cell.source not in kept, f"{source.name}: a solution survived"


def test_solution_only_names_finds_what_the_student_edition_loses():
    nb = nbformat.v4.new_notebook(cells=[
        new_code("import numpy as np\nscores = {}"),
        new_md("**Exercise 1.** Compute the best sigma.", metadata={"tags": [EXERCISE]}),
        new_code("best = max([1, 2])\ndef helper(x):\n    return x\n%time helper(1)",
                 metadata={"tags": [SOLUTION]}),
        new_code("scores['a'] = 1"),  # defined outside the solution: fine
        new_code("def f(best):\n    return best\nprint(helper(np.pi))"),  # an argument: fine
        new_code("assert best > 1\nlater = 2"),
        new_code("best = 0\nassert later and best == 0"),  # rebinds it: fine from here on
    ])
    assert solution_only_names(nb) == [
        "cell 4 reads `helper`, which only a solution cell defines (cell 2)",
        "cell 5 reads `best`, which only a solution cell defines (cell 2)"]
    # what the student edition does with it: the same cells fail without the solution
    student = student_edition(nb)
    namespace: dict = {}
    with pytest.raises(NameError, match="helper"):
        for cell in student.cells:
            if cell.cell_type == "code":
                exec("\n".join(line for line in cell.source.splitlines()
                               if not line.startswith("%")), namespace)


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks")
@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_no_kept_cell_reads_what_only_a_solution_defines(source):
    """A claims cell may assert only on what the notebook itself computes."""
    problems = solution_only_names(nbformat.read(source, as_version=4))
    assert problems == [], (
        f"{source.name}: the student edition would stop with a NameError: {problems}")


#: The student editions that ``make smoke`` executes (LOWLIGHT_SMOKE=1, full profile): the
#: notebooks that train or read nothing from another notebook.
STUDENT_SMOKE = ("01", "06")


@pytest.mark.skipif(not is_smoke(), reason="executes notebooks: make smoke runs it "
                    "(LOWLIGHT_SMOKE=1)")
@pytest.mark.parametrize("number", STUDENT_SMOKE)
def test_student_edition_runs_top_to_bottom(tmp_path, number):
    """The student's notebook, answer cells untouched, runs from the first cell to the last."""
    from lowlight_utils.courseware.runner import NotebookFailed, run_notebook

    source = next(p for p in NOTEBOOKS if p.name.startswith(number))
    (path,) = write_student_edition([source], tmp_path / "student")
    try:
        run_notebook(path, tmp_path / "executed")
    except NotebookFailed as err:
        pytest.fail(f"the student edition of {source.name} does not run: {err}")
    executed = nbformat.read(tmp_path / "executed" / path.name, as_version=4)
    answers = [c for c in executed.cells if ANSWER_TAG in tags(c)]
    has_solutions = count_tagged(nbformat.read(source, as_version=4), SOLUTION) > 0
    assert bool(answers) == has_solutions and count_tagged(executed, SOLUTION) == 0
    assert all(c.source == ANSWER_SOURCE and not c.outputs for c in answers)
