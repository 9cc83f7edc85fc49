"""Shared fixtures: small image files written by the tests themselves."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest
from PIL import Image


def write_rgb(path, shape=(16, 24), seed=0, mode="RGB"):
    """Write a random 8-bit image and return the array as float in [0, 1]."""
    rng = np.random.default_rng(seed)
    arr = rng.integers(0, 256, size=(*shape, 3), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(arr).convert(mode).save(path)
    return arr.astype(np.float32) / 255.0


@pytest.fixture
def generic_dataset(tmp_path):
    """A generic low/ + high/ folder with three pairs."""
    for i in range(3):
        write_rgb(tmp_path / "low" / f"{i}.png", seed=i)
        write_rgb(tmp_path / "high" / f"{i}.png", seed=10 + i)
    return tmp_path


def pytest_sessionfinish(session, exitstatus):
    """A passing run of the whole suite records the versions it used.

    ``lowlight_utils/tested_versions.json`` (package data) is what the notebooks' Colab setup
    cell prints beside Colab's own versions (``lowlight_utils.colab``). A run of some test
    files only, or a failing run, records nothing.
    """
    from pathlib import Path

    tests = Path(__file__).resolve().parent
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: the controller records
        return
    ran = {Path(str(item.path)).resolve() for item in getattr(session, "items", [])}
    ran_all = ran and set(tests.glob("test_*.py")) <= ran
    if not ran and getattr(session.config.option, "numprocesses", None):
        # the xdist controller collects nothing itself: the whole suite if it was asked for
        ran_all = {Path(a).resolve() for a in session.config.args} == {tests}
    if exitstatus == 0 and ran_all and not session.config.option.collectonly:
        from lowlight_utils.colab import record_tested_versions

        record_tested_versions()
