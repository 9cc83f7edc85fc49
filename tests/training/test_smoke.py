"""Smoke runs of the command line in the profile of the environment (``make smoke``).

``make smoke`` runs this file with ``LOWLIGHT_PROFILE=full LOWLIGHT_SMOKE=1``: every report
preset and the LOL code path are exercised with their real sizes (full networks, 256-pixel
crops, the reports' batches and losses), but for one epoch of two steps and two evaluation
images, so that the code a GPU user runs has run on a CPU before. Skipped unless
``LOWLIGHT_SMOKE`` is set: without it these are hours of training.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lowlight_utils.config import is_smoke
from lowlight_utils.training.presets import PRESETS

pytestmark = pytest.mark.skipif(
    not is_smoke(), reason="smoke runs: set LOWLIGHT_SMOKE=1 (make smoke runs them)")

REPO = Path(__file__).resolve().parents[2]


def _cli(*args, cwd=None) -> str:
    """Run ``python -m lowlight_utils ARGS``; return its output, failing with it on error."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run([sys.executable, "-m", "lowlight_utils", "-q", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd or REPO, env=env,
                          timeout=900)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{output[-4000:]}"
    return output


def _sample(task: str = "low-light"):
    """The embedded sample of ``task``: its root and its splits."""
    from lowlight_utils.data import course_splits
    from lowlight_utils.data.synthetic import sample_dataset

    root = sample_dataset(task=task)
    return root, course_splits(root, task=task)


@pytest.fixture(scope="module")
def sample():
    """The embedded (low-light) sample's root and its splits."""
    return _sample()


def _check_enhanced(out_dir: Path, inputs: list[Path]):
    from lowlight_utils.data import load_image

    for src in inputs:
        written = sorted(out_dir.glob(f"{src.stem}.*"))
        assert written, f"no output for {src.name} in {out_dir}"
        out, img = load_image(written[0]), load_image(src)
        assert out.shape == img.shape and 0 <= out.min() <= out.max() <= 1


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_trains_evaluates_and_enhances(name, tmp_path):
    preset = PRESETS[name]
    root, splits = _sample(preset.task)  # the sample of the preset's task
    run = tmp_path / "run"
    out = _cli("train", "--preset", name, "--data", root, "--out", run)
    assert "SMOKE" in out and f"crop {preset.crop}px, batch {preset.batch_size}" in out, out
    assert f"task: {preset.task}" in out, out
    assert (run / "history.csv").is_file() and (run / "backup").is_dir()
    model = run / "best.keras"
    assert model.is_file(), f"no best checkpoint after a smoke epoch:\n{out[-2000:]}"

    extra = ["--postprocess", preset.postprocess] if preset.postprocess else []
    csv = tmp_path / "test.csv"
    out = _cli("evaluate", "--model", model, "--data", root, "--task", preset.task,
               "--csv", csv, *extra)
    assert "the first 2 only" in out, out
    rows = csv.read_text().strip().splitlines()
    assert len(rows) >= 3 and "nan" not in csv.read_text().lower(), rows  # header + 2 images

    inputs = [p.low for p in splits.test[:2]]
    _cli("enhance", "--model", model, *inputs, "--out", tmp_path / "enhanced")
    _check_enhanced(tmp_path / "enhanced", inputs)


def test_lol_layout_prepares_and_trains(sample, tmp_path):
    """LOL's layout (``our485`` for training, ``eval15`` for testing), built from the sample:
    ``prepare --lol`` accepts it without downloading, and training and evaluation read it.
    Zero-DCE trains here: the layout is what is under test, and every preset above has
    already trained the GANs through the same command."""
    _, splits = sample
    lol = tmp_path / "LOL"
    for subset, pairs in (("our485", splits.train + splits.val), ("eval15", splits.test)):
        for pair in pairs:
            for side, src in (("low", pair.low), ("high", pair.high)):
                dest = lol / subset / side / f"{pair.stem}{Path(src).suffix}"
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
    out = _cli("prepare", "--lol", lol)
    assert f"LOL is in {lol}" in out, out
    assert not (tmp_path / ".downloads").exists()  # nothing was downloaded

    run = tmp_path / "run"
    out = _cli("train", "--method", "zero-dce", "--data", lol, "--out", run)
    assert "SMOKE" in out and (run / "best.keras").is_file(), out
    out = _cli("evaluate", "--model", run / "best.keras", "--data", lol)
    assert f"LOL at {lol}: 25 train / 3 val / 8 test pairs" in out, out  # 28 pairs, 90/10
    assert "the first 2 only" in out, out
