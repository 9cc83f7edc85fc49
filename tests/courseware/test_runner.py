"""The course runner's README update."""

from __future__ import annotations

import pytest

from lowlight_utils.courseware.runner import END, START, update_readme


def test_update_readme_replaces_only_the_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{START}\nold table\n{END}\noutro\n")
    results = tmp_path / "results.md"
    results.write_text("| method | PSNR |\n|---|---|\n| gamma | 18.83 |\n")
    update_readme(readme, results, "make course")
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith("\noutro\n")
    assert "old table" not in text and "| gamma | 18.83 |" in text and "`make course`" in text
    update_readme(readme, results, "make course")  # idempotent
    assert readme.read_text() == text


def test_update_readme_needs_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no markers\n")
    (tmp_path / "r.md").write_text("x")
    with pytest.raises(ValueError, match="results:start"):
        update_readme(readme, tmp_path / "r.md", "make course")


def test_unclean_outputs_names_stderr_and_errors():
    import nbformat

    from lowlight_utils.courseware.runner import unclean_outputs

    out = nbformat.v4.new_output
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("text"),
        nbformat.v4.new_code_cell("a", outputs=[out("stream", name="stdout", text="fine\n")]),
        nbformat.v4.new_code_cell("b", outputs=[out("stream", name="stderr",
                                                    text="I0000 oneDNN custom operations\nx")]),
        nbformat.v4.new_code_cell("c", outputs=[out("error", ename="ValueError",
                                                    evalue="bad", traceback=[])]),
    ])
    assert unclean_outputs(nb) == ["cell 1: stderr: I0000 oneDNN custom operations",
                                   "cell 2: error: ValueError: bad"]


def test_executed_copies_must_match_the_notebooks(tmp_path):
    import nbformat

    from lowlight_utils.courseware.runner import executed_copies

    source, executed = tmp_path / "01_x.ipynb", tmp_path / "executed"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), source)
    with pytest.raises(ValueError, match="01_x.ipynb is missing"):
        executed_copies([source], executed)
    executed.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 2")]),
                   executed / "01_x.ipynb")
    with pytest.raises(ValueError, match="another version"):
        executed_copies([source], executed)
    nbformat.write(nbformat.read(source, as_version=4), executed / "01_x.ipynb")
    assert executed_copies([source], executed) == [executed / "01_x.ipynb"]
