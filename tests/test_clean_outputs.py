"""Clean outputs: TensorFlow's C++ start-up log never reaches a notebook's stderr.

:func:`lowlight_utils._shared.tflog.quiet` (called by every notebook's
``lowlight_utils.notebook.setup()`` and by the command line, never by ``import``) sets
``TF_CPP_MIN_LOG_LEVEL=2`` (unless the user set it) and applies that level to the absl lines
TensorFlow 2.20+ prints while it is imported (absl ignores it then), so every notebook calls
``setup()`` before it imports TensorFlow or Keras. The executed
notebooks themselves are checked cell by cell while ``make test`` runs them
(``notebooks/conftest.py`` fails a cell that writes to stderr in the quick profile), and
again by ``make site`` (``python -m lowlight_utils.courseware.runner --no-execute --strict``), and
``tests/test_notebook_stderr.py`` runs each notebook's import path in a fresh Jupyter kernel.

The hook must survive what a student's Jupyter does before the real import: a lookup of
TensorFlow's spec (``importlib.util.find_spec``; IPython's Tab completion asks every finder
on ``sys.meta_path`` through jedi), ``import keras`` or ``importlib.import_module`` first, and
a launcher that leaves ``TF_CPP_MIN_LOG_LEVEL`` blank. A stand-in ``tensorflow`` package that
writes TensorFlow 2.21's start-up lines to file descriptor 2 checks these in a second each.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
QUIET = "from lowlight_utils._shared.tflog import quiet\nquiet()\n"
BUILD = "import tensorflow as tf, keras\nkeras.layers.Conv2D(2, 3)(tf.zeros((1, 8, 8, 3)))\n"


def python_stderr(code: str, **env_vars: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", code], env={**env, **env_vars},
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_tensorflow_is_silent_after_lowlight_utils():
    assert python_stderr(QUIET + BUILD) == ""


def test_tensorflow_is_silent_after_a_find_spec_lookup():
    """A lookup first (what jedi's Tab completion does) leaves the filter to the import."""
    lookup = "import importlib.util\nassert importlib.util.find_spec('tensorflow')\n"
    assert python_stderr(QUIET + lookup + BUILD) == ""


def test_tensorflow_imported_first_writes_to_stderr():
    """Why the order matters: the same code, TensorFlow first, logs to stderr on start-up."""
    stderr = python_stderr(BUILD + QUIET)
    if not stderr:
        pytest.skip("this TensorFlow build logs nothing at start-up here")
    assert "I0000" in stderr or "WARNING" in stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_call_setup_before_tensorflow(path):
    lines = [line for cell in nbformat.read(path, as_version=4).cells
             if cell.cell_type == "code" for line in cell.source.splitlines()]
    first_setup = next((i for i, line in enumerate(lines) if re.search(r"\bsetup\(", line)),
                       None)
    assert first_setup is not None, f"{path.name} never calls lowlight_utils.notebook.setup()"
    first_ours = next((i for i, line in enumerate(lines)
                       if re.match(r"\s*(import|from)\s+(lowlight_utils|tensorflow|keras)\b", line)
                       and "lowlight_utils.notebook import setup" not in line
                       and "lowlight_utils.colab" not in line), None)
    if first_ours is not None:
        assert first_setup < first_ours, (
            f"{path.name}: line {first_ours} imports before setup() is called, so "
            "TensorFlow's C++ log can reach stderr; call setup() first")


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
    from lowlight_utils._shared.tflog import filter_startup_log

    assert filter_startup_log(LOG, 0) == LOG
    assert filter_startup_log(LOG, 2) == (
        "/x/keras/layer.py:12: UserWarning: a Python warning\n"
        "E0000 00:00:1796113958.5   26873 gpu.cc:2] an error\n"
        "plain output from somewhere\n")
    level1 = filter_startup_log(LOG, 1)
    assert "oneDNN" not in level1 and "To enable" not in level1 and "InitializeLog" not in level1
    assert "a warning" in level1 and "an error" in level1
    assert "an error" not in filter_startup_log(LOG, 3)


# TensorFlow 2.21's start-up lines, written to file descriptor 2 as its C++ code writes them.
FAKE_TENSORFLOW = """
import os
import warnings

os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written "
            b"to STDERR\\nI0000 00:00:1.5   42 port.cc:153] oneDNN custom operations are on."
            b"\\nI0000 00:00:1.6   42 cpu_feature_guard.cc:227] This TensorFlow binary is "
            b"optimized\\nTo enable the following instructions: AVX2 FMA, rebuild TensorFlow.\\n")
if os.environ.get("FAKE_TF_NEEDS_ATTENTION"):
    os.write(2, b"E0000 00:00:1.7   42 gpu.cc:2] a real error\\n")
    warnings.warn("a version mismatch", UserWarning, stacklevel=1)
"""


@pytest.fixture
def fake_tensorflow(tmp_path):
    """A ``tensorflow`` (and a ``keras`` that imports it) first on the path of a subprocess."""
    (tmp_path / "tensorflow").mkdir()
    (tmp_path / "tensorflow" / "__init__.py").write_text(FAKE_TENSORFLOW)
    (tmp_path / "keras").mkdir()
    (tmp_path / "keras" / "__init__.py").write_text("import tensorflow\n")
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path),
                                                       os.environ.get("PYTHONPATH")]))}


@pytest.mark.parametrize("imports", [
    "import tensorflow",
    "import keras",
    "import importlib\nimportlib.import_module('tensorflow')",
    "import importlib.util\nassert importlib.util.find_spec('tensorflow')\nimport tensorflow",
    # jedi (IPython's Tab completion) asks each finder itself, then reads the loader
    "import sys\nspecs = [f.find_spec('tensorflow', None) for f in sys.meta_path\n"
    "         if hasattr(f, 'find_spec')]\n"
    "spec = next(s for s in specs if s)\nassert spec.loader.get_source('tensorflow')\n"
    "assert spec.loader.is_package('tensorflow')\nimport tensorflow",
], ids=["import", "keras", "import_module", "find_spec", "jedi"])
def test_start_up_lines_are_filtered_whatever_imports_tensorflow(fake_tensorflow, imports):
    code = f"{QUIET}{imports}\nassert tensorflow.__file__.endswith('.py')\n"
    if "import tensorflow" not in imports:
        code = code.replace("assert tensorflow", "import tensorflow\nassert tensorflow")
    assert python_stderr(code, **fake_tensorflow) == ""


def test_a_blank_tf_cpp_min_log_level_counts_as_unset(fake_tensorflow):
    code = QUIET + "import os, tensorflow\nprint(os.environ['TF_CPP_MIN_LOG_LEVEL'])\n"
    assert python_stderr(code, TF_CPP_MIN_LOG_LEVEL="", **fake_tensorflow) == ""
    assert python_stderr(code, TF_CPP_MIN_LOG_LEVEL="0", **fake_tensorflow).count("I0000") == 2


def test_errors_and_python_warnings_during_the_import_stay_visible(fake_tensorflow):
    stderr = python_stderr(QUIET + "import tensorflow\n", FAKE_TF_NEEDS_ATTENTION="1",
                           **fake_tensorflow)
    assert "a real error" in stderr and "UserWarning: a version mismatch" in stderr
    assert "oneDNN" not in stderr and "InitializeLog" not in stderr and "AVX2" not in stderr


def test_the_hook_stays_until_tensorflow_is_imported(fake_tensorflow):
    code = textwrap.dedent("""
        import importlib.util, sys
        import lowlight_utils._shared.tflog as tflog
        tflog.quiet()
        importlib.util.find_spec("tensorflow")
        assert tflog._FINDER in sys.meta_path, "a lookup removed the hook"
        importlib.reload(tflog)
        tflog.install()
        assert sum(getattr(f, "_lowlight_tflog", False) for f in sys.meta_path) == 1
        import tensorflow
        assert tflog._FINDER not in sys.meta_path, "the hook outlived the import"
        """)
    assert python_stderr(code, **fake_tensorflow) == ""
