"""Exporting and loading the course's models."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from lowlight_utils.notebook import handoff as zoo


def _tiny_model():
    from lowlight_utils import wgan

    return wgan.build("quick", base_filters=4, depth=2, critic_filters=4)


def test_export_then_load_roundtrip(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LOWLIGHT_MODELS_DIR", str(tmp_path / "models"))
    model = _tiny_model()
    src = tmp_path / "best.keras"
    model.save(src)
    dest = zoo.export_model(src, "pix2pix-wgan-gp", "quick", notebook="03")
    assert dest == tmp_path / "models" / "quick" / "pix2pix-wgan-gp.keras"
    assert src.exists()  # the run keeps its own copy
    x = np.random.default_rng(0).random((1, 8, 12, 3)).astype(np.float32)
    loaded = zoo.load_exported("pix2pix-wgan-gp", "quick")
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), atol=1e-6)
    zoo.export_model(model, "pix2pix-wgan-gp", "quick", notebook="03")
    assert "replacing the previous export" in capsys.readouterr().out
    assert isinstance(keras.saving.load_model(dest, safe_mode=True), keras.Model)


def test_missing_export_names_the_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv("LOWLIGHT_MODELS_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="02_pix2pix_bce"):
        zoo.load_exported("pix2pix-bce", "quick")
