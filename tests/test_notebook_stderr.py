"""Each notebook's first TensorFlow import prints nothing to stderr in a fresh Jupyter kernel.

A student runs the notebooks in Jupyter Lab, Colab or ``jupyter nbconvert --execute``, with
whatever environment their launcher gives the kernel (usually no ``TF_CPP_MIN_LOG_LEVEL``).
There ipykernel turns what C code writes to file descriptor 2 into stderr stream outputs,
the red boxes, so TensorFlow's C++ start-up log shows up in the cell that first imports it
unless ``lowlight_utils._shared.tflog`` filters it. Running whole notebooks takes minutes, so each
notebook's *import path* runs instead: every code cell's top-level imports, in order, cell by
cell, up to and including the first cell that imports TensorFlow or Keras, then a first
TensorFlow op (the import itself, when only a ``lowlight_utils`` function imports TensorFlow,
as in notebook 01; and device creation). The kernel starts as Jupyter starts it: without
``TF_CPP_MIN_LOG_LEVEL`` and without ``PYTEST_CURRENT_TEST`` (with it, ipykernel would not
capture file descriptor 2 and the test could not fail).
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TENSORFLOW = re.compile(r"(tensorflow|keras)(\.|$)")
FIRST_OP = "import tensorflow as tf\n\nfloat(tf.reduce_sum(tf.zeros((1, 8, 8, 3))))\n"
#: What a launcher that "sets nothing" leaves out of the kernel's environment.
NOT_SET = ("TF_CPP_MIN_LOG_LEVEL", "PYTEST_CURRENT_TEST")


def _imported_names(nodes) -> list[str]:
    names = []
    for node in nodes:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif node.level == 0 and node.module:
            names.append(node.module)
    return names


def _calls_setup(node) -> bool:
    value = getattr(node, "value", None)
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
            and value.func.id == "setup")


def import_path(path: Path) -> list[str]:
    """The sources of the cells that reproduce ``path``'s way to its first TensorFlow import.

    Parameters
    ----------
    path : Path
        A course notebook.

    Returns
    -------
    list of str
        One source per code cell that has top-level imports (those imports only, and the
        notebook's ``setup()`` call, IPython syntax turned into Python first), up to and including the first cell that imports
        ``tensorflow`` or ``keras``, followed by :data:`FIRST_OP`.
    """
    from IPython.core.inputtransformer2 import TransformerManager

    transform = TransformerManager().transform_cell
    cells = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = transform(cell.source)
        body = ast.parse(source).body
        imports = [node for node in body if isinstance(node, (ast.Import, ast.ImportFrom))]
        if not imports:
            continue
        lines = [ast.get_source_segment(source, node) for node in imports]
        if any(_calls_setup(node) for node in body):
            lines.append("setup()")  # the notebook's setup call, which quiets TensorFlow
        cells.append("\n".join(lines))
        if any(TENSORFLOW.match(name) for name in _imported_names(imports)):
            break
    return [*cells, FIRST_OP]


def stderr_in_fresh_kernel(sources: list[str], timeout: int = 300) -> list[tuple[str, str]]:
    """Run ``sources`` as the cells of a notebook in a fresh kernel; (cell, text) of stderr.

    The kernel runs in ``notebooks/`` (as nbconvert runs a notebook there) with the test's
    environment less :data:`NOT_SET`, in the quick profile.
    """
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    env = {k: v for k, v in os.environ.items() if k not in NOT_SET}
    env["LOWLIGHT_PROFILE"] = "quick"
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute(env=env)
    return [(cell.source, out.text) for cell in nb.cells for out in cell.outputs
            if out.output_type == "stream" and out.name == "stderr"]


def test_a_fresh_kernel_shows_what_c_code_writes_to_stderr():
    """The check below can fail: file descriptor 2 reaches the cell, as in Jupyter."""
    stderr = stderr_in_fresh_kernel(["import os\nos.write(2, b'from C code\\n')"], timeout=120)
    assert [text for _, text in stderr] == ["from C code\n"]


def test_import_path_stops_at_the_first_tensorflow_import():
    cells = import_path(ROOT / "notebooks" / "02_pix2pix_bce.ipynb")
    assert cells[-1] == FIRST_OP and re.search(r"^import keras$", cells[-2], re.M)
    assert not any(TENSORFLOW.match(line.split()[1]) for cell in cells[:-2]
                   for line in cell.splitlines() if line.startswith(("import ", "from ")))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_tensorflow_import_writes_no_stderr(path):
    stderr = stderr_in_fresh_kernel(import_path(path))
    assert not stderr, f"{path.name}: stderr in a fresh kernel:\n" + "\n".join(
        f"--- cell:\n{source}\n--- stderr:\n{text}" for source, text in stderr)
