"""Stable run folders: re-running a notebook resumes its training instead of restarting it."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import tensorflow as tf

from lowlight_utils import config, training
from lowlight_utils.notebook import handoff as zoo
from lowlight_utils.pix2pix import Pix2Pix, patchgan_discriminator, unet_generator


def _tiny_model():
    model = Pix2Pix(unet_generator(image_size=None, base_filters=4, depth=2),
                    patchgan_discriminator("70x70", image_size=None, base_filters=4))
    model.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    return model


def _data():
    rng = np.random.default_rng(0)
    low = tf.image.resize(rng.random((4, 4, 4, 3), dtype=np.float32), (32, 32)).numpy() * 0.3
    high = np.clip(low * 3, 0, 1)
    train_ds = tf.data.Dataset.from_tensor_slices((low, high)).batch(2).repeat()
    val_ds = tf.data.Dataset.from_tensor_slices((low[:2], high[:2])).batch(2)
    return train_ds, val_ds


def test_second_run_of_a_notebook_resumes_in_its_folder(tmp_path, monkeypatch):
    """What a notebook does: train into ``run_folder(notebook, profile)``, twice, as after a
    disconnect. The second run continues from the first one's last epoch."""
    monkeypatch.setenv("LOWLIGHT_RUNS_DIR", str(tmp_path))
    monkeypatch.delenv("LOWLIGHT_SMOKE", raising=False)
    train_ds, val_ds = _data()
    keras.utils.set_random_seed(0)
    first = training.train(_tiny_model(), train_ds, val_ds,
                           config.run_folder("02_pix2pix_bce", "quick"), epochs=2,
                           steps_per_epoch=2, tensorboard=False, verbose=0)
    assert first.initial_epoch == 0 and len(first.history["epoch"]) == 2
    trained = [w.copy() for w in first.model.generator.get_weights()]

    # a new session: same call, same folder (no timestamp), a freshly initialised model
    keras.utils.set_random_seed(1)
    again = training.train(_tiny_model(), train_ds, val_ds,
                           config.run_folder("02_pix2pix_bce", "quick"), epochs=3,
                           steps_per_epoch=2, tensorboard=False, verbose=0)
    assert again.run_dir == first.run_dir == tmp_path / "02_pix2pix_bce-quick"
    assert again.initial_epoch == 2  # resumed after epoch 2, not restarted at 0
    assert list(again.history["epoch"]) == [0, 1, 2]  # one new epoch appended
    assert int(again.model.generator_optimizer.iterations) == 3 * 2
    assert any(not np.allclose(a, b) for a, b in
               zip(trained, again.model.generator.get_weights(), strict=True))


def test_models_dir_defaults_under_the_runs_root(tmp_path, monkeypatch):
    monkeypatch.delenv("LOWLIGHT_MODELS_DIR", raising=False)
    monkeypatch.setenv("LOWLIGHT_RUNS_DIR", str(tmp_path / "drive"))
    assert zoo.models_dir() == tmp_path / "drive" / "models"
    assert zoo.model_path("zero-dce", "full") == tmp_path / "drive" / "models" / "full" / (
        "zero-dce.keras")
    monkeypatch.setenv("LOWLIGHT_MODELS_DIR", str(tmp_path / "elsewhere"))
    assert zoo.models_dir() == tmp_path / "elsewhere"
