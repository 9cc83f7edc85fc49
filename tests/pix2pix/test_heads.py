"""Tests of the generator's output heads (lowlight_utils.pix2pix.heads)."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pytest

from lowlight_utils import pix2pix, wgan
from lowlight_utils.pix2pix import unet_generator
from lowlight_utils.pix2pix.heads import CURVE_ITERATIONS, CurveResidual
from lowlight_utils.zero_dce.curves import apply_curves


def _images(seed=0, shape=(2, 32, 32, 3)):
    return np.random.default_rng(seed).random(shape, dtype=np.float32)


@pytest.mark.parametrize("output", ["residual", "refine", "curve"])
def test_untrained_identity_start_heads_return_their_input_exactly(output):
    g = unet_generator(image_size=None, base_filters=8, depth=3, output=output)
    x = _images()
    np.testing.assert_array_equal(g(x).numpy(), x)


def test_refine_head_reads_the_input_pixels_at_full_resolution():
    # Silence the U-Net's features (the transposed convolution into the head): what is left
    # of the correction comes from the input through the two full-resolution 3x3
    # convolutions alone, so changing one pixel moves the output in its 5x5 neighbourhood and
    # nowhere else.
    keras.utils.set_random_seed(1)
    g = unet_generator(image_size=None, base_filters=8, depth=3, output="refine")
    rng = np.random.default_rng(0)
    for w in g.weights:
        if w.path.startswith("refine_up"):
            w.assign(np.zeros(w.shape))
        elif w.path.startswith("residual"):
            w.assign(rng.normal(0, 0.1, w.shape))
    x = np.full((1, 16, 16, 3), 0.5, np.float32)
    bumped = x.copy()
    bumped[0, 8, 8] += 0.2
    moved = np.abs(g(bumped).numpy() - g(x).numpy())[0].sum(-1) > 1e-6
    assert moved[8, 8] and moved[6:11, 6:11].sum() > 1
    moved[6:11, 6:11] = False
    assert not moved.any()


def test_direct_head_does_not_start_at_its_input():
    g = unet_generator(image_size=None, base_filters=8, depth=3, output="direct")
    x = _images()
    assert np.abs(g(x).numpy() - x).mean() > 0.05


def test_unknown_output_is_rejected():
    with pytest.raises(ValueError, match="unknown generator output 'tanh'"):
        unet_generator(image_size=None, base_filters=8, depth=3, output="tanh")


def test_curve_residual_applies_zero_dce_curves_then_adds_and_clips():
    rng = np.random.default_rng(1)
    low = _images(2, (1, 8, 8, 3))
    alpha = rng.uniform(-1, 1, (1, 8, 8, 3 * CURVE_ITERATIONS)).astype("float32")
    residual = rng.normal(0, 0.3, (1, 8, 8, 3)).astype("float32")
    got = CurveResidual()([low, alpha, residual]).numpy()
    want = np.clip(apply_curves(low, alpha).numpy() + residual, 0, 1)
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert got.min() >= 0 and got.max() <= 1 and (got == 1).any() and (got == 0).any()


@pytest.mark.parametrize("output", ["residual", "refine", "curve"])
def test_heads_keep_the_unit_range_after_training_moves_them(output):
    g = unet_generator(image_size=None, base_filters=8, depth=3, output=output)
    for w in g.weights:
        if w.path.startswith(("residual", "curve_params")):
            w.assign(np.random.default_rng(0).normal(0, 0.5, w.shape))
    y = g(_images()).numpy()
    assert y.min() >= 0 and y.max() <= 1 and np.abs(y - _images()).mean() > 0.01


@pytest.mark.parametrize("output", ["residual", "refine", "curve"])
def test_model_with_a_head_saves_and_reloads_in_safe_mode(tmp_path, output):
    keras.utils.set_random_seed(0)
    model = pix2pix.build("quick", base_filters=8, depth=3, disc_filters=8, output=output)
    model.fit(_images(3, (4, 32, 32, 3)), _images(4, (4, 32, 32, 3)), epochs=1, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    x = _images(5)
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), atol=1e-6)
    assert np.abs(model(x).numpy() - x).max() > 0  # it trained away from the identity


def test_wgan_builds_its_generator_with_the_same_head():
    model = wgan.build("quick", base_filters=8, depth=3, critic_filters=8, output="curve")
    assert any(la.name == "curves_plus_residual" for la in model.generator.layers)
