"""Tests of lowlight_utils.classical.lowlight: the classical enhancement methods."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from lowlight_utils.classical.lowlight import (
    BASELINES,
    GAMMA_RANGE,
    auto_gamma,
    clahe,
    contrast_stretch,
    enhance_baseline,
    gamma_correction,
    histogram_equalization,
    luminance,
)


def _dark_scene(h=64, w=80, seed=0):
    """A dark, smooth, coloured test picture (mean luminance about 0.1) with some texture."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    base = 0.05 + 0.15 * xx + 0.05 * np.sin(6 * yy)
    colour = np.array([1.0, 0.8, 0.6])
    img = base[..., None] * colour + 0.01 * rng.standard_normal((h, w, 3))
    return np.clip(img, 0, 1).astype(np.float32)


def _hue(rgb):
    """Hue in degrees of one RGB colour in [0, 1]."""
    hsv = cv2.cvtColor(np.asarray(rgb, np.float32).reshape(1, 1, 3), cv2.COLOR_RGB2HSV)
    return float(hsv[0, 0, 0])


def _hue_distance(a, b):
    d = abs(a - b) % 360
    return min(d, 360 - d)


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_output_shape_dtype_range(name):
    img = _dark_scene()
    out = enhance_baseline(name, img)
    assert out.shape == img.shape and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    batch = np.stack([img, _dark_scene(seed=1)]).astype(np.float64)
    outs = BASELINES[name](batch)
    assert outs.shape == batch.shape and outs.dtype == np.float32
    np.testing.assert_allclose(outs[1], BASELINES[name](batch[1]), atol=1e-6)


@pytest.mark.parametrize("fn", [*BASELINES.values(), contrast_stretch])
def test_bad_shape_rejected(fn):
    with pytest.raises(ValueError, match=r"\(16, 16\)"):
        fn(np.zeros((16, 16)))
    with pytest.raises(ValueError, match=r"\(16, 16, 4\)"):
        fn(np.zeros((16, 16, 4)))


def test_unknown_baseline_lists_valid_names():
    with pytest.raises(ValueError, match="'retinex'.*clahe, gamma, histeq, identity"):
        enhance_baseline("retinex", _dark_scene())


def test_identity_is_the_input():
    img = _dark_scene()
    np.testing.assert_array_equal(enhance_baseline("identity", img), img)


def test_tensor_input():
    tf = pytest.importorskip("tensorflow")
    img = _dark_scene()
    np.testing.assert_allclose(gamma_correction(tf.constant(img)), gamma_correction(img))


# ----------------------------------------------------------------------------- gamma
def test_auto_gamma_brightens_dark_image_to_half():
    img = _dark_scene()
    mean_in = float(luminance(img).mean())
    assert mean_in < 0.2
    g = auto_gamma(img)
    assert g == pytest.approx(np.log(0.5) / np.log(mean_in), rel=1e-5)
    out = gamma_correction(img)
    assert float(luminance(out).mean()) == pytest.approx(0.5, abs=0.05)
    np.testing.assert_allclose(out, img**g, atol=1e-6)


def test_auto_gamma_darkens_bright_image_and_clamps():
    bright = 1.0 - 0.5 * _dark_scene()
    assert auto_gamma(bright) > 1.0
    assert auto_gamma(np.zeros((8, 8, 3))) == GAMMA_RANGE[0]
    assert auto_gamma(np.ones((8, 8, 3))) == GAMMA_RANGE[1]
    black = gamma_correction(np.zeros((8, 8, 3)))
    assert np.all(np.isfinite(black)) and black.max() == 0.0


def test_explicit_gamma():
    img = np.full((4, 4, 3), 0.25, np.float32)
    np.testing.assert_allclose(gamma_correction(img, gamma=0.5), 0.5, atol=1e-7)
    with pytest.raises(ValueError, match="gamma"):
        gamma_correction(img, gamma=0)


# ----------------------------------------------------------------------------- histeq
def test_histeq_flattens_the_luminance_histogram():
    img = _dark_scene(128, 128)
    out = histogram_equalization(img)
    y = cv2.cvtColor(np.round(out * 255).astype(np.uint8), cv2.COLOR_RGB2YCrCb)[..., 0]
    cdf = np.cumsum(np.bincount(y.ravel(), minlength=256)) / y.size
    deviation = np.abs(cdf - np.arange(1, 257) / 256)
    assert deviation.max() < 0.05
    y_in = cv2.cvtColor(np.round(img * 255).astype(np.uint8), cv2.COLOR_RGB2YCrCb)[..., 0]
    cdf_in = np.cumsum(np.bincount(y_in.ravel(), minlength=256)) / y_in.size
    assert np.abs(cdf_in - np.arange(1, 257) / 256).max() > 0.5  # the input was far from it


def test_histeq_keeps_hue():
    img = np.zeros((64, 64, 3), np.float32)
    img[:, :32] = (0.20, 0.08, 0.05)  # dark orange
    img[:, 32:] = (0.05, 0.08, 0.20)  # dark blue
    img *= np.linspace(0.6, 1.0, 64, dtype=np.float32)[:, None, None]  # a vertical ramp
    out = histogram_equalization(img)
    for cols in (slice(0, 32), slice(32, 64)):
        before = img[20:44, cols].mean(axis=(0, 1))
        after = out[20:44, cols].mean(axis=(0, 1))
        assert luminance(after) > 2 * luminance(before)
        assert _hue_distance(_hue(before), _hue(after)) < 12


# ----------------------------------------------------------------------------- CLAHE
def _local_contrast(img, block=8):
    y = luminance(img)
    h, w = (s - s % block for s in y.shape)
    blocks = y[:h, :w].reshape(h // block, block, w // block, block)
    return float(blocks.std(axis=(1, 3)).mean())


def test_clahe_raises_local_contrast_of_dark_image():
    rng = np.random.default_rng(3)
    texture = cv2.GaussianBlur(rng.random((96, 96)).astype(np.float32), (0, 0), 2)
    img = np.clip(0.05 + 0.1 * texture, 0, 1)[..., None] * np.array([1.0, 0.9, 0.8], np.float32)
    out = clahe(img)
    assert _local_contrast(out) > 2 * _local_contrast(img)
    assert float(luminance(out).mean()) > float(luminance(img).mean())
    stronger = clahe(img, clip_limit=4.0)
    assert _local_contrast(stronger) > _local_contrast(out)


def test_clahe_bad_parameters():
    with pytest.raises(ValueError, match="clip_limit"):
        clahe(_dark_scene(), clip_limit=0)
    with pytest.raises(ValueError, match="tile_grid"):
        clahe(_dark_scene(), tile_grid=(0, 8))


# ----------------------------------------------------------------------------- stretch
def test_contrast_stretch_exact_values():
    levels = np.array([5, 10, 125, 240, 250, 56], np.float32)
    img = np.repeat((levels / 255.0).reshape(1, -1, 1), 3, axis=-1)
    out = contrast_stretch(img)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[0, :, 0], [0, 0, 0.5, 1, 1, 46 / 230], atol=1e-6)
    custom = contrast_stretch(img, gmin=0, gmax=250)
    np.testing.assert_allclose(custom[0, :, 1], levels / 250, atol=1e-6)


def test_contrast_stretch_bad_thresholds():
    with pytest.raises(ValueError, match="gmin"):
        contrast_stretch(_dark_scene(), gmin=240, gmax=10)
    with pytest.raises(ValueError, match="gmin"):
        contrast_stretch(_dark_scene(), gmin=-1, gmax=240)


def test_evaluate_baselines_scores_as_saved_and_by_protocol(tmp_path):
    """Every baseline's table is evaluate_pairs' (8-bit levels, the protocol recorded)."""
    from lowlight_utils.classical.lowlight import evaluate_baselines
    from lowlight_utils.data import find_pairs
    from lowlight_utils.data.io import load_image, save_image
    from lowlight_utils.metrics import evaluate_pairs, psnr, quantize_8bit

    for i in range(2):
        save_image(tmp_path / "low" / f"{i}.png", _dark_scene(seed=i))
        save_image(tmp_path / "high" / f"{i}.png", np.clip(4 * _dark_scene(seed=i), 0, 1))
    pairs = find_pairs(tmp_path)
    highs = [load_image(p.high) for p in pairs]
    for protocol in ("rgb", "gt-mean"):
        ev, enhanced = evaluate_baselines(pairs, ["gamma"], protocol=protocol)["gamma"]
        assert ev.protocol == protocol and len(ev) == 2
        assert ev.rows == evaluate_pairs(enhanced, highs, names=[p.stem for p in pairs],
                                         protocol=protocol).rows
    ev = evaluate_baselines(pairs, ["gamma"])["gamma"][0]
    assert ev.rows[0]["psnr"] == pytest.approx(psnr(quantize_8bit(enhanced[0]), highs[0]))
