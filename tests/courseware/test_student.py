"""The student edition: every exercise kept, every solution removed."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from lowlight_utils.courseware.student import (
    ANSWER_TAG,
    EXERCISE,
    SOLUTION,
    count_tagged,
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
