"""Clean outputs: TensorFlow's C++ start-up log never reaches a notebook's stderr.

``lowlight_utils/__init__.py`` sets ``TF_CPP_MIN_LOG_LEVEL=2`` (unless the user set it) and
installs ``lowlight_utils.tflog``, which applies that level to the absl lines TensorFlow 2.20+
prints while it is imported (absl ignores it then), so every notebook imports the package
before TensorFlow or Keras. The executed
notebooks themselves are checked cell by cell while ``make test`` runs them
(``notebooks/conftest.py`` fails a cell that writes to stderr in the quick profile), and
again by ``make site`` (``python -m lowlight_utils.course --no-execute --strict``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BUILD = "import tensorflow as tf, keras\nkeras.layers.Conv2D(2, 3)(tf.zeros((1, 8, 8, 3)))\n"


def python_stderr(code: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_tensorflow_is_silent_after_lowlight_utils():
    assert python_stderr("import lowlight_utils.config\n" + BUILD) == ""


def test_tensorflow_imported_first_writes_to_stderr():
    """Why the order matters: the same code, TensorFlow first, logs to stderr on start-up."""
    stderr = python_stderr(BUILD + "import lowlight_utils\n")
    if not stderr:
        pytest.skip("this TensorFlow build logs nothing at start-up here")
    assert "I0000" in stderr or "WARNING" in stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_import_lowlight_utils_before_tensorflow(path):
    lines = [line for cell in nbformat.read(path, as_version=4).cells
             if cell.cell_type == "code" for line in cell.source.splitlines()]
    first_tf = next((i for i, line in enumerate(lines)
                     if re.match(r"\s*(import|from)\s+(tensorflow|keras)\b", line)), None)
    first_ours = next((i for i, line in enumerate(lines)
                       if re.match(r"\s*(import|from)\s+lowlight_utils\b", line)), None)
    if first_tf is not None:
        assert first_ours is not None and first_ours < first_tf, (
            f"{path.name}: line {first_tf} imports TensorFlow/Keras before lowlight_utils, so "
            "its C++ log reaches stderr; import lowlight_utils first")


LOG = """WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1796113958.301954   26873 port.cc:153] oneDNN custom operations are on.
I0000 00:00:1796113958.356053   26873 cpu_feature_guard.cc:227] This TensorFlow binary ...
To enable the following instructions: AVX2 FMA, rebuild TensorFlow.
W0000 00:00:1796113958.4   26873 gpu.cc:1] a warning
/x/keras/layer.py:12: UserWarning: a Python warning
E0000 00:00:1796113958.5   26873 gpu.cc:2] an error
plain output from somewhere
"""


def test_filter_startup_log_applies_tf_cpp_min_log_level():
    from lowlight_utils.tflog import filter_startup_log

    assert filter_startup_log(LOG, 0) == LOG
    assert filter_startup_log(LOG, 2) == (
        "/x/keras/layer.py:12: UserWarning: a Python warning\n"
        "E0000 00:00:1796113958.5   26873 gpu.cc:2] an error\n"
        "plain output from somewhere\n")
    level1 = filter_startup_log(LOG, 1)
    assert "oneDNN" not in level1 and "To enable" not in level1 and "InitializeLog" not in level1
    assert "a warning" in level1 and "an error" in level1
    assert "an error" not in filter_startup_log(LOG, 3)
