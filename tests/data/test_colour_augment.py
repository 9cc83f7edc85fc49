"""Colour-equivariant paired augmentation (channel permutation, hue rotation) and the hue
summary ``colour.mean_chroma_hue`` that checks an enhancer keeps an image's colours."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import tensorflow as tf
from skimage.color import lab2lch, rgb2lab

from lowlight_utils.data import Pair, find_pairs, make_dataset
from lowlight_utils.data.degradations import linear_to_srgb, srgb_to_linear
from lowlight_utils.data.pipeline import (
    DEFAULT_AUGMENT,
    REPORT_AUGMENT,
    Augment,
    augment_pair,
    grey_axis_rotation,
    rotate_hue,
)
from lowlight_utils.metrics.colour import (
    CHANNEL_ORDERS,
    channel_order_ensemble,
    hue_difference,
    mean_chroma_hue,
)

PERMUTE_ONLY = Augment(flips=False, rot90=False, channel_permute=1.0)
ROTATE_ONLY = Augment(flips=False, rot90=False, hue_rotate=180.0)


def _image(seed=0, shape=(12, 12)):
    return np.random.default_rng(seed).random((*shape, 3)).astype(np.float32)


def _seed(i):
    return tf.constant([i, 17], tf.int64)


def _aug(low, high, aug, i, crop=None):
    a, b = augment_pair(tf.constant(low), tf.constant(high), _seed(i), aug, crop)
    return a.numpy(), b.numpy()


# ------------------------------------------------------------------- the pair stays a pair


def test_same_image_in_both_slots_comes_out_identical():
    img = _image()
    changed = 0
    for i in range(8):
        low, high = _aug(img, img, DEFAULT_AUGMENT, i, crop=8)
        np.testing.assert_array_equal(low, high)
        changed += not np.allclose(low.mean((0, 1)), img[2:10, 2:10].mean((0, 1)), atol=0.02)
    assert changed >= 4  # the colours do change, for most draws


def test_permutation_permutes_channel_means_and_reaches_every_order():
    img = _image() * np.array([0.2, 0.5, 0.9], np.float32)  # three distinct channel means
    means = img.mean((0, 1))
    orders = set()
    for i in range(60):
        low, high = _aug(img, img * 0.5, PERMUTE_ONLY, i)
        order = tuple(int(np.argmin(np.abs(means - m))) for m in low.mean((0, 1)))
        np.testing.assert_allclose(low, img[..., list(order)], atol=0)
        np.testing.assert_allclose(high, img[..., list(order)] * 0.5, atol=1e-7)
        orders.add(order)
    assert orders == set(itertools.permutations(range(3)))


def test_grey_stays_grey_and_hue_rotation_keeps_pairs_aligned():
    grey = np.full((6, 6, 3), 0.37, np.float32)
    for i in range(5):
        low, high = _aug(grey * 0.3, grey, ROTATE_ONLY, i)
        np.testing.assert_allclose(high, grey, atol=1e-5)
        np.testing.assert_allclose(low, grey * 0.3, atol=1e-5)
    img = _image(1)
    low, high = _aug(img, img, ROTATE_ONLY, 3)
    np.testing.assert_array_equal(low, high)
    assert not np.allclose(high, img, atol=0.02)


def test_same_seed_same_draw_other_seed_other_draw():
    img, dark = _image(2), _image(2) * 0.1
    first = _aug(dark, img, DEFAULT_AUGMENT, 5, crop=8)
    again = _aug(dark, img, DEFAULT_AUGMENT, 5, crop=8)
    other = _aug(dark, img, DEFAULT_AUGMENT, 6, crop=8)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[1], other[1])


def test_switch_off_keeps_colours_and_old_draws():
    img = _image(3)
    for aug in (Augment(), REPORT_AUGMENT):
        assert aug.channel_permute == 0 and aug.hue_rotate == 0
    plain = Augment(flips=False, rot90=False)
    low, high = _aug(img * 0.2, img, plain, 0)
    np.testing.assert_array_equal(high, img)
    # the colour draw comes from its own seed: geometry is the same with colour on or off
    geo = _aug(img, img, Augment(), 4, crop=8)[1]
    col = _aug(img, img, Augment(channel_permute=1.0), 4, crop=8)[1]
    np.testing.assert_allclose(np.sort(geo.reshape(-1, 3).sum(1)),
                               np.sort(col.reshape(-1, 3).sum(1)), atol=1e-6)


def test_make_dataset_true_means_colour_augmentation(tmp_path):
    from PIL import Image

    arr = (np.stack(np.meshgrid(np.linspace(0, 1, 16), np.linspace(0.2, 0.8, 16)), -1)
           .mean(-1, keepdims=True) * [1.0, 0.5, 0.1] * 255).astype(np.uint8)
    for sub in ("low", "high"):
        (tmp_path / sub).mkdir()
        Image.fromarray(arr).save(tmp_path / sub / "a.png")
    pair = find_pairs(tmp_path)
    assert pair == [Pair(tmp_path / "low" / "a.png", tmp_path / "high" / "a.png")]
    red_first = []
    for low, high in make_dataset(pair, augment=True, repeat=True).take(12).as_numpy_iterator():
        np.testing.assert_array_equal(low, high)
        red_first.append(int(np.argmax(high[0].mean((0, 1)))) == 0)
    assert not all(red_first)  # the reddest channel moved in some draws
    for low, _ in make_dataset(pair, augment=Augment(), repeat=True).take(4).as_numpy_iterator():
        assert int(np.argmax(low[0].mean((0, 1)))) == 0


# --------------------------------------------------- the rotation and why it is equivariant


def test_grey_axis_rotation_is_orthogonal_and_cycles_channels():
    for deg in (0.0, 33.0, -140.0):
        r = grey_axis_rotation(deg).numpy()
        np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-6)
        np.testing.assert_allclose(r @ np.ones(3), np.ones(3), atol=1e-6)
    np.testing.assert_allclose(grey_axis_rotation(120.0).numpy(),
                               np.eye(3)[[2, 0, 1]], atol=1e-6)
    img = _image(4)
    np.testing.assert_allclose(rotate_hue(img, 120.0).numpy(), img[..., [2, 0, 1]], atol=1e-5)
    np.testing.assert_allclose(rotate_hue(img, 0.0).numpy(), img, atol=1e-5)


def test_hue_rotation_commutes_with_the_exposure_scale():
    """Rotating in linear light commutes with darkening (noise-free, no clipping)."""
    img = 0.3 + 0.4 * _image(5)  # mid-tones: rotations stay inside the RGB cube

    def darken(x):
        return linear_to_srgb(0.05 * srgb_to_linear(x))

    for deg in (25.0, 90.0, -160.0):
        a = rotate_hue(darken(img).astype(np.float32), deg).numpy()
        b = darken(rotate_hue(img, deg).numpy())
        np.testing.assert_allclose(a, b, atol=1e-5)
    # the same rotation in sRGB values would not commute: the sRGB curve is not linear
    r = grey_axis_rotation(90.0).numpy()
    a_srgb = darken(img) @ r.T
    b_srgb = darken(img @ r.T)
    assert np.abs(a_srgb - b_srgb).max() > 1e-3


# ------------------------------------------------------------------------- mean chroma hue


def test_mean_chroma_hue_matches_skimage_lch():
    for colour in ([0.8, 0.7, 0.2], [0.9, 0.1, 0.1], [0.1, 0.6, 0.2], [0.2, 0.3, 0.9]):
        img = np.full((3, 4, 3), colour)
        _, c, h = lab2lch(rgb2lab(np.array([[colour]])))[0, 0]
        hue, chroma = mean_chroma_hue(img)
        assert hue_difference(hue, np.degrees(h)) < 1e-6
        assert chroma == pytest.approx(c)
    img = _image(6, (9, 7))
    lab = rgb2lab(img).reshape(-1, 3).mean(0)
    _, c, h = lab2lch(lab[None, None])[0, 0]
    hue, chroma = mean_chroma_hue(img)
    assert hue == pytest.approx(np.degrees(h) % 360) and chroma == pytest.approx(c)


def test_mean_chroma_hue_of_grey_and_known_hues():
    _, chroma = mean_chroma_hue(np.full((4, 4, 3), 0.5))
    assert chroma < 0.01  # skimage's D65 white leaves ~0.003
    red, _ = mean_chroma_hue(np.full((2, 2, 3), [1.0, 0.0, 0.0]))
    green, _ = mean_chroma_hue(np.full((2, 2, 3), [0.0, 1.0, 0.0]))
    assert 30 < red < 50 and 120 < green < 150  # sRGB red ~40 degrees, green ~136
    with pytest.raises(ValueError, match="shape"):
        mean_chroma_hue(np.zeros((4, 4)))


def test_hue_difference_wraps():
    assert hue_difference(350.0, 10.0) == 20.0
    assert hue_difference(10.0, 350.0) == 20.0
    assert hue_difference(0.0, 180.0) == 180.0
    assert hue_difference(90.0, 90.0) == 0.0


# -------------------------------------------------------------- the channel-order ensemble


def _biased_model(x):
    """A non-linear 'enhancer' with a colour preference: red gets more gain than blue."""
    return np.clip(np.sqrt(x) * np.array([1.2, 1.0, 0.7]) + 0.05 * x.mean(-1, keepdims=True),
                   0, 1)


def test_ensemble_commutes_with_every_channel_order():
    img = _image(7)
    out = channel_order_ensemble(_biased_model, img)
    assert not np.allclose(_biased_model(img[..., [2, 0, 1]]), _biased_model(img)[..., [2, 0, 1]])
    for order in CHANNEL_ORDERS:
        np.testing.assert_allclose(channel_order_ensemble(_biased_model, img[..., list(order)]),
                                   out[..., list(order)], atol=1e-6)


def test_ensemble_cancels_a_colour_preference_and_keeps_an_equivariant_model():
    grey = np.full((3, 3, 3), 0.25, np.float32)
    out = channel_order_ensemble(_biased_model, grey)
    assert np.ptp(_biased_model(grey)[0, 0]) > 0.1  # the model alone tints grey
    np.testing.assert_allclose(out, out[..., :1].repeat(3, -1), atol=1e-6)  # grey stays grey
    img = _image(8)
    np.testing.assert_allclose(channel_order_ensemble(lambda x: x ** 0.5, img), img ** 0.5,
                               atol=1e-6)
    with pytest.raises(ValueError, match="shape|image"):
        channel_order_ensemble(_biased_model, np.zeros((4, 4)))
