"""The course runner: RESULTS.md's generated block, clean outputs, executed copies."""

from __future__ import annotations

import pytest

from lowlight_utils.courseware.runner import END, START, update_results


def test_update_results_replaces_only_the_block(tmp_path):
    readme = tmp_path / "RESULTS.md"
    readme.write_text(f"intro\n{START}\nold table\n{END}\noutro\n")
    results = tmp_path / "results.md"
    results.write_text("| method | PSNR |\n|---|---|\n| gamma | 18.83 |\n")
    update_results(readme, results, "make course")
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith("\noutro\n")
    assert "old table" not in text and "| gamma | 18.83 |" in text and "`make course`" in text
    update_results(readme, results, "make course")  # idempotent
    assert readme.read_text() == text


def test_update_results_needs_markers(tmp_path):
    readme = tmp_path / "RESULTS.md"
    readme.write_text("no markers\n")
    (tmp_path / "r.md").write_text("x")
    with pytest.raises(ValueError, match="results:start"):
        update_results(readme, tmp_path / "r.md", "make course")


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


def test_kernels_start_without_the_unencrypted_tcp_warning(tmp_path, capfd):
    """`make course` prints one line per notebook: the kernel logs nothing to the terminal."""
    import nbformat

    from lowlight_utils.courseware.runner import run_notebook

    path = tmp_path / "01_x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")]),
                   path)
    run_notebook(path, tmp_path / "executed")
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == "", captured
    executed = nbformat.read(tmp_path / "executed" / path.name, as_version=4)
    assert executed.cells[0].outputs[0]["text"] == "42\n"


def test_course_prints_one_line_per_notebook(tmp_path, capfd):
    """The whole runner on two tiny notebooks: two lines on success, nothing else."""
    import nbformat

    from lowlight_utils.courseware.runner import main

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("01_first", "02_second"):
        nbformat.write(nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell(f"# {name}\n\nWhat it does."),
            nbformat.v4.new_code_cell("print('x')")]), notebooks / f"{name}.ipynb")
    (tmp_path / "README.md").write_text("# Course\n\nThe goal.\n\n## Next\n")
    (tmp_path / "RESULTS.md").write_text(f"# Results\n\n{START}\n| a | b |\n|---|---|\n{END}\n")
    assert main(["--notebooks", str(notebooks), "--out", str(tmp_path / "build")]) == 0
    out, err = capfd.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2 and err == "", (out, err)
    assert lines[0].startswith("[1/2] 01_first.ipynb ...") and lines[0].endswith("profile)")
    assert (tmp_path / "build" / "site" / "index.html").is_file()
    assert (tmp_path / "build" / "student" / "02_second.ipynb").is_file()


def test_course_refuses_a_results_file_without_its_block_before_running(tmp_path, capsys):
    from lowlight_utils.courseware.runner import main

    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "01_x.ipynb").write_text("{}")
    (tmp_path / "RESULTS.md").write_text("no block\n")
    assert main(["--notebooks", str(tmp_path / "nb"), "--results",
                 str(tmp_path / "RESULTS.md")]) == 2
    assert "RESULTS.md" in capsys.readouterr().err


def test_a_failing_notebook_is_named_with_its_cell_in_plain_text(tmp_path):
    import nbformat

    from lowlight_utils.courseware.runner import NotebookFailed, run_notebook

    path = tmp_path / "03_x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("assert x == 2, 'x is not 2'")]), path)
    with pytest.raises(NotebookFailed, match=r"03_x.ipynb failed in cell 1") as err:
        run_notebook(path, tmp_path / "executed")
    assert "AssertionError: x is not 2" in str(err.value) and "\x1b[" not in str(err.value)
    assert (tmp_path / "executed" / "03_x.ipynb").is_file()  # kept, to look at the error
