"""notebooks/conftest.py: nbval's run saved with its outputs, and stderr failing a cell."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from lowlight_utils.courseware.runner import unclean_outputs

ROOT = Path(__file__).resolve().parents[1]


def run_nbval(folder: Path, profile: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LOWLIGHT_PROFILE": profile}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
         "-p", "no:cacheprovider", "--rootdir", str(folder), "--executed-dir",
         str(folder / "executed"), "clean.ipynb", "noisy.ipynb"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=600)


def test_executed_notebooks_are_saved_and_stderr_fails(tmp_path):
    shutil.copy(ROOT / "notebooks" / "conftest.py", tmp_path / "conftest.py")
    code = nbformat.v4.new_code_cell
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Clean"), code("print('hello')"), code("1 + 1")]),
        tmp_path / "clean.ipynb")
    nbformat.write(nbformat.v4.new_notebook(cells=[
        code("print('fine')"), code("import sys\nprint('a red box', file=sys.stderr)"),
        code("import os\nos.write(2, b'from C code\\n')")]),
        tmp_path / "noisy.ipynb")

    result = run_nbval(tmp_path, "quick")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 failed, 3 passed" in result.stdout
    assert "Cell 1 of noisy.ipynb wrote to stderr" in result.stdout
    assert "a red box" in result.stdout
    # what C code writes to file descriptor 2 reaches the notebook, as in Jupyter
    assert "Cell 2 of noisy.ipynb wrote to stderr" in result.stdout
    assert "from C code" in result.stdout

    clean = nbformat.read(tmp_path / "executed" / "clean.ipynb", as_version=4)
    nbformat.validate(clean)
    assert [c.cell_type for c in clean.cells] == ["markdown", "code", "code"]
    assert clean.cells[1].outputs[0]["text"] == "hello\n"
    assert clean.cells[2].outputs[0]["data"]["text/plain"] == "2"
    assert [c.execution_count for c in clean.cells[1:]] == [1, 2]
    assert unclean_outputs(clean) == []
    noisy = nbformat.read(tmp_path / "executed" / "noisy.ipynb", as_version=4)
    assert unclean_outputs(noisy) == ["cell 1: stderr: a red box",
                                      "cell 2: stderr: from C code"]
    # the sources are untouched
    assert not nbformat.read(tmp_path / "clean.ipynb", as_version=4).cells[1].outputs

    # stderr fails the quick profile only (the full profile on a GPU may warn)
    assert run_nbval(tmp_path, "full").returncode == 0
