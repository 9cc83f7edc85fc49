"""Tests of lowlight_utils.metrics against scikit-image, tf.image and loop references."""

from __future__ import annotations

import csv
import os

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio as sk_psnr
from skimage.metrics import structural_similarity as sk_ssim

from lowlight_utils.metrics import (
    Evaluation,
    evaluate_pairs,
    mae,
    psnr,
    psnr_per_channel,
    ssim,
    uqi,
)
from lowlight_utils.metrics import tables as metrics

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _pair(shape, seed=0, noise=0.1):
    rng = np.random.default_rng(seed)
    ref = rng.random(shape)
    pred = np.clip(0.7 * ref + 0.1 + noise * rng.standard_normal(shape), 0.0, 1.0)
    return pred, ref


def _sk_ssim(pred, ref, data_range=1.0):
    kwargs = dict(
        data_range=data_range, gaussian_weights=True, sigma=1.5, use_sample_covariance=False
    )
    if pred.ndim == 3:
        kwargs["channel_axis"] = -1
    return sk_ssim(ref, pred, **kwargs)


# ----------------------------------------------------------------------------- PSNR / MAE
@pytest.mark.parametrize("shape", [(16, 16, 3), (23, 31, 3), (20, 20), (12, 9, 1)])
def test_psnr_matches_skimage(shape):
    pred, ref = _pair(shape)
    assert isinstance(psnr(pred, ref), float)
    assert psnr(pred, ref) == pytest.approx(sk_psnr(ref, pred, data_range=1), abs=1e-4)


def test_psnr_float32_and_data_range_255():
    pred, ref = _pair((20, 24, 3), seed=1)
    p8, r8 = np.round(pred * 255), np.round(ref * 255)
    expected = sk_psnr(r8.astype(np.uint8), p8.astype(np.uint8), data_range=255)
    assert psnr(p8, r8, data_range=255) == pytest.approx(expected, abs=1e-4)
    p32, r32 = pred.astype(np.float32), ref.astype(np.float32)
    assert psnr(p32, r32) == pytest.approx(sk_psnr(ref, pred, data_range=1), abs=1e-4)


def test_psnr_known_value_and_identical():
    ref = np.full((8, 8, 3), 0.5)
    assert psnr(ref + 0.1, ref) == pytest.approx(20.0, abs=1e-9)
    assert psnr(ref, ref) == float("inf")


def test_batch_gives_per_image_values():
    pred, ref = _pair((4, 16, 18, 3), seed=2)
    for fn in (psnr, ssim, uqi, mae):
        values = fn(pred, ref)
        assert isinstance(values, np.ndarray) and values.shape == (4,)
        np.testing.assert_allclose(values, [fn(p, r) for p, r in zip(pred, ref, strict=True)])


def test_tensors_accepted():
    tf = pytest.importorskip("tensorflow")
    pred, ref = _pair((16, 16, 3), seed=3)
    tp, tr = tf.constant(pred, tf.float32), tf.constant(ref, tf.float32)
    assert psnr(tp, tr) == pytest.approx(psnr(pred, ref), abs=1e-4)
    assert ssim(tp, tr) == pytest.approx(ssim(pred, ref), abs=1e-5)


def test_psnr_per_channel():
    pred, ref = _pair((16, 20, 3), seed=4)
    pred[..., 2] = np.clip(pred[..., 2] + 0.2, 0, 1)  # make the channels differ
    values = psnr_per_channel(pred, ref)
    assert values.shape == (3,)
    for c in range(3):
        assert values[c] == pytest.approx(sk_psnr(ref[..., c], pred[..., c], data_range=1))
    # averaging logarithms is not the joint PSNR: the per-channel mean is larger here
    assert values.mean() > psnr(pred, ref) + 0.1
    assert psnr_per_channel(np.stack([pred, ref]), np.stack([ref, ref])).shape == (2, 3)


def test_mae():
    ref = np.zeros((6, 6, 3))
    pred = ref.copy()
    pred[..., 0] = 0.3
    assert mae(pred, ref) == pytest.approx(0.1)
    assert mae(ref, pred) == pytest.approx(0.1)


@pytest.mark.parametrize("fn", [psnr, psnr_per_channel, ssim, uqi, mae])
def test_shape_mismatch_names_both_shapes(fn):
    with pytest.raises(ValueError, match=r"\(16, 16, 3\).*\(16, 15, 3\)"):
        fn(np.zeros((16, 16, 3)), np.zeros((16, 15, 3)))


def test_bad_inputs():
    with pytest.raises(ValueError, match="data_range"):
        psnr(np.zeros((4, 4)), np.ones((4, 4)), data_range=0)
    with pytest.raises(ValueError, match="shape"):
        psnr(np.zeros(5), np.zeros(5))
    with pytest.raises(ValueError, match="11x11"):
        ssim(np.zeros((10, 20, 3)), np.zeros((10, 20, 3)))
    with pytest.raises(ValueError, match="8x8"):
        uqi(np.zeros((7, 20, 3)), np.zeros((7, 20, 3)))


# ----------------------------------------------------------------------------- SSIM
@pytest.mark.parametrize("shape", [(11, 11, 3), (40, 37, 3), (32, 32, 1), (25, 30)])
def test_ssim_matches_skimage(shape):
    pred, ref = _pair(shape, seed=5)
    assert ssim(pred, ref) == pytest.approx(_sk_ssim(pred, ref), abs=1e-4)


def test_ssim_tf_matches_skimage_per_image_and_tf_image_ssim():
    """The separable TensorFlow SSIM the validation steps use: one value per image of a
    batch, equal to scikit-image's (float64) and to tf.image.ssim's (float32 round-off)."""
    import tensorflow as tf

    from lowlight_utils.metrics.window import ssim_tf

    pairs = [_pair((37, 45, 3), seed=s, noise=n) for s, n in ((11, 0.05), (12, 0.3))]
    pred = np.stack([p for p, _ in pairs]).astype(np.float32)
    ref = np.stack([r for _, r in pairs]).astype(np.float32)
    got = ssim_tf(pred, ref).numpy()
    assert got.shape == (2,)
    for value, (p, r) in zip(got, pairs, strict=True):
        assert value == pytest.approx(_sk_ssim(p.astype(np.float32).astype(np.float64),
                                               r.astype(np.float32).astype(np.float64)),
                                      abs=1e-5)
    np.testing.assert_allclose(got, tf.image.ssim(pred, ref, max_val=1.0).numpy(), atol=1e-4)
    assert got[0] > got[1]  # less noise, more similar
    # range 255, and inside a graph
    graph = tf.function(lambda a, b: ssim_tf(a, b, max_val=255.0))
    np.testing.assert_allclose(graph(255 * pred, 255 * ref).numpy(), got, atol=1e-5)
    np.testing.assert_allclose(ssim_tf(ref, ref).numpy(), 1.0, atol=1e-6)


def test_ssim_matches_skimage_float32_and_range_255():
    pred, ref = _pair((30, 28, 3), seed=6)
    expected = _sk_ssim(pred.astype(np.float32), ref.astype(np.float32))
    assert ssim(pred.astype(np.float32), ref.astype(np.float32)) == pytest.approx(
        expected, abs=1e-4
    )
    assert ssim(pred * 255, ref * 255, data_range=255) == pytest.approx(
        _sk_ssim(pred * 255, ref * 255, data_range=255), abs=1e-4
    )


def test_ssim_matches_tf_image_ssim():
    tf = pytest.importorskip("tensorflow")
    for shape in [(3, 11, 11, 3), (2, 33, 45, 3)]:
        pred, ref = _pair(shape, seed=7)
        expected = tf.image.ssim(
            tf.constant(pred, tf.float32), tf.constant(ref, tf.float32), max_val=1.0
        ).numpy()
        np.testing.assert_allclose(ssim(pred, ref), expected, atol=1e-4)


def test_ssim_known_values_and_map():
    pred, ref = _pair((24, 30, 3), seed=8)
    assert ssim(ref, ref) == pytest.approx(1.0)
    assert ssim(pred, ref) < 0.99
    assert ssim(pred, ref) == pytest.approx(ssim(ref, pred))  # symmetric
    value, smap = ssim(pred, ref, return_map=True)
    assert smap.shape == (14, 20, 3)
    assert value == pytest.approx(smap.mean())
    _, gmap = ssim(pred[..., 0], ref[..., 0], return_map=True)
    assert gmap.shape == (14, 20, 1)


# ----------------------------------------------------------------------------- UQI
def _uqi_loop(x, y, block=8):
    """Direct transcription of Wang & Bovik's Q, block by block, flat rules of img_qi.m."""
    h, w = x.shape
    q = np.empty((h - block + 1, w - block + 1))
    for i in range(q.shape[0]):
        for j in range(q.shape[1]):
            a, b = x[i : i + block, j : j + block], y[i : i + block, j : j + block]
            ma, mb = a.mean(), b.mean()
            va = 0.0 if np.ptp(a) == 0 else np.mean((a - ma) ** 2)  # exactly 0 when flat
            vb = 0.0 if np.ptp(b) == 0 else np.mean((b - mb) ** 2)
            cov = 0.0 if va == 0 or vb == 0 else np.mean((a - ma) * (b - mb))
            var_term, mean_term = va + vb, ma**2 + mb**2
            if var_term * mean_term != 0:
                q[i, j] = 4 * cov * ma * mb / (var_term * mean_term)
            elif var_term == 0 and mean_term != 0:
                q[i, j] = 2 * ma * mb / mean_term
            else:
                q[i, j] = 1.0
    return q


def _uqi_ref(x, y):
    return float(np.mean([_uqi_loop(x[..., c], y[..., c]).mean() for c in range(x.shape[-1])]))


def _img_qi_m(x, y, block=8):
    """Wang's img_qi.m (box sums, MATLAB filter2 'valid') on one channel, images without
    flat blocks."""
    from scipy.signal import correlate2d

    n = block * block
    box = np.ones((block, block))

    def s(a):
        return correlate2d(a, box, mode="valid")

    sx, sy = s(x), s(y)
    prod, sq = sx * sy, sx * sx + sy * sy
    numerator = 4 * (n * s(x * y) - prod) * prod
    denominator = (n * (s(x * x) + s(y * y)) - sq) * sq
    return float(np.mean(numerator / denominator))


def test_uqi_matches_loop_on_random_images():
    pred, ref = _pair((14, 17, 3), seed=9)
    assert uqi(pred, ref) == pytest.approx(_uqi_ref(pred, ref), abs=1e-10)


def test_uqi_matches_loop_with_flat_regions():
    rng = np.random.default_rng(10)
    # few grey levels, clipped areas and constant strips: many flat blocks of each kind
    ref = np.round(rng.random((18, 20, 3)) * 2) / 2
    ref[:10, :12] = 0.25
    ref[-9:, -9:] = 0.0
    pred = np.clip(ref + np.round(rng.standard_normal(ref.shape)) * 0.25, 0, 1)
    pred[:9, 2:15] = 0.5
    pred[-9:, -10:] = 0.0
    value, qmap = uqi(pred, ref, return_map=True)
    assert qmap.shape == (11, 13, 3)
    np.testing.assert_allclose(
        qmap, np.stack([_uqi_loop(pred[..., c], ref[..., c]) for c in range(3)], -1), atol=1e-10
    )
    assert value == pytest.approx(_uqi_ref(pred, ref), abs=1e-10)


def test_uqi_matches_wang_img_qi():
    pred, ref = _pair((16, 19, 1), seed=11)
    assert uqi(pred, ref) == pytest.approx(_img_qi_m(pred[..., 0], ref[..., 0]), abs=1e-9)


def test_uqi_known_values():
    rng = np.random.default_rng(12)
    ref = 0.2 + 0.5 * rng.random((16, 16, 3))
    assert uqi(ref, ref) == pytest.approx(1.0)
    # a constant offset keeps correlation and contrast, lowers the luminance term only
    offset = uqi(ref + 0.2, ref)
    assert 0.5 < offset < 0.99
    # negated correlation
    assert uqi(1.0 - ref, ref) < -0.5
    # a textured block against a flat one: zero covariance -> Q = 0
    assert uqi(np.full_like(ref, 0.5), ref) == pytest.approx(0.0, abs=1e-12)
    # two flat images: 2 a b / (a^2 + b^2); two black images: 1 (img_qi.m convention)
    a, b = np.full((8, 8), 0.2), np.full((8, 8), 0.6)
    assert uqi(a, b) == pytest.approx(2 * 0.2 * 0.6 / (0.2**2 + 0.6**2))
    assert uqi(np.zeros((8, 8)), np.zeros((8, 8))) == 1.0


def test_uqi_offset_equals_luminance_term():
    ref = 0.7 * np.random.default_rng(13).random((12, 12, 1))
    c = 0.3
    mu = np.array([[ref[i : i + 8, j : j + 8, 0].mean() for j in range(5)] for i in range(5)])
    expected = np.mean(2 * mu * (mu + c) / (mu**2 + (mu + c) ** 2))
    assert uqi(ref + c, ref) == pytest.approx(expected, abs=1e-10)


# ----------------------------------------------------------------------------- evaluate_pairs
def test_evaluate_pairs_arrays_of_different_sizes():
    p1, r1 = _pair((16, 16, 3), seed=14)
    p2, r2 = _pair((20, 24, 3), seed=15)
    ev = evaluate_pairs([p1, p2], [r1, r2])
    assert isinstance(ev, Evaluation) and len(ev) == 2
    assert [row["name"] for row in ev.rows] == ["image_0000", "image_0001"]
    q1, q2 = np.round(p1 * 255) / 255, np.round(p2 * 255) / 255  # scored as saved
    assert ev.rows[1]["psnr"] == pytest.approx(psnr(q2, r2))
    assert ev.rows[1]["ssim"] == pytest.approx(ssim(q2, r2))
    assert ev.rows[0]["uqi"] == pytest.approx(uqi(q1, r1))
    assert ev.rows[0]["mae"] == pytest.approx(mae(q1, r1))
    assert ev.means["ssim"] == pytest.approx((ssim(q1, r1) + ssim(q2, r2)) / 2)
    assert set(ev.means) == set(metrics.METRIC_NAMES)


def test_evaluate_pairs_from_files(tmp_path):
    from PIL import Image

    pred, ref = _pair((16, 18, 3), seed=16)
    pred8, ref8 = (np.round(a * 255).astype(np.uint8) for a in (pred, ref))
    Image.fromarray(pred8).save(tmp_path / "out_a.png")
    Image.fromarray(ref8).save(tmp_path / "a.png")
    ev = evaluate_pairs([tmp_path / "out_a.png"], [str(tmp_path / "a.png")])
    assert ev.rows[0]["name"] == "a"
    assert ev.rows[0]["psnr"] == pytest.approx(psnr(pred8 / 255.0, ref8 / 255.0), abs=1e-4)


def test_evaluate_pairs_errors_name_the_item():
    a, b = np.zeros((16, 16, 3)), np.zeros((16, 12, 3))
    with pytest.raises(ValueError, match="2 predictions but 1 references"):
        evaluate_pairs([a, a], [a])
    with pytest.raises(ValueError, match=r"'second'.*\(16, 16, 3\).*\(16, 12, 3\)"):
        evaluate_pairs([a, a], [a, b], names=["first", "second"])
    small = np.zeros((9, 9, 3))
    with pytest.raises(ValueError, match="'tiny'.*11x11"):
        evaluate_pairs([small], [small], names=["tiny"])


def test_evaluate_pairs_side_by_side_keeps_order_scores_and_first_error():
    """Scoring images in threads gives the same rows, in input order, as one at a time, and
    the first bad item in the input order is the one an error names."""
    pairs = [_pair((12 + 4 * i, 16 + 3 * i, 3), seed=30 + i) for i in range(5)]
    preds, refs = [p for p, _ in pairs], [r for _, r in pairs]
    names = [f"img{i}" for i in range(5)]
    rows = {w: evaluate_pairs(preds, refs, names=names, workers=w).rows for w in (1, 3)}
    assert rows[1] == rows[3] and [r["name"] for r in rows[3]] == names
    bad = [np.zeros((16, 16, 3)), np.zeros((16, 12, 3))]
    with pytest.raises(ValueError, match="'img1'"):
        evaluate_pairs([preds[0], bad[0], bad[0]], [refs[0], bad[1], bad[1]],
                       names=names[:3], workers=3)


@pytest.mark.parametrize("taps", [np.full(8, 1 / 8), np.arange(1, 12) / 66.0])
@pytest.mark.parametrize("channels", [1, 3, 5])
def test_window_filters_match_shifted_numpy_slices(taps, channels):
    """The OpenCV window filter and running max/min equal their NumPy definitions on the
    'valid' region, for odd and even windows and any number of channels."""
    from lowlight_utils.bench.metrics import numpy_valid_filter
    from lowlight_utils.metrics.window import _valid_reduce, valid_filter

    x = np.random.default_rng(3).random((2, 23, 19, channels))
    np.testing.assert_allclose(valid_filter(x, taps), numpy_valid_filter(x, taps),
                               rtol=0, atol=1e-14)
    k = len(taps)
    windows = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(1, 2))
    np.testing.assert_array_equal(_valid_reduce(x, k, np.maximum), windows.max(axis=(-2, -1)))
    np.testing.assert_array_equal(_valid_reduce(x, k, np.minimum), windows.min(axis=(-2, -1)))


def test_evaluation_csv_and_markdown(tmp_path):
    pred, ref = _pair((16, 16, 3), seed=17)
    ref = np.round(ref * 255).astype(np.float32) / 255  # as load_image reads a PNG
    ev = evaluate_pairs([pred, ref], [ref, ref], names=["noisy", "exact"])
    assert ev.rows[1]["psnr"] == float("inf")
    path = ev.to_csv(tmp_path / "sub" / "metrics.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["name"] for r in rows] == ["noisy", "exact"]
    assert float(rows[0]["ssim"]) == ev.rows[0]["ssim"]
    assert [r["protocol"] for r in rows] == ["rgb", "rgb"]
    with pytest.raises(FileExistsError, match="metrics.csv"):
        ev.to_csv(path)
    ev.rows.pop()
    ev.to_csv(path, overwrite=True)
    with open(path, newline="") as f:
        assert len(list(csv.DictReader(f))) == 1
    table = ev.to_markdown()
    lines = table.strip().splitlines()
    assert lines[0].startswith("| image | PSNR (dB) | SSIM")
    assert lines[2].startswith("| noisy |") and lines[-3].startswith("| **mean** |")
    assert f"{ev.rows[0]['ssim']:.4f}" in lines[2]
    assert lines[-1] == "Scored with protocol rgb, outputs at 8-bit levels."


# ----------------------------------------------------------------------------- paired_gap
def test_paired_gap_known_numbers_and_text():
    from lowlight_utils.metrics import paired_gap

    gap = paired_gap([21.0, 22.0, 23.0], [20.0, 20.5, 21.0])
    assert gap.mean == pytest.approx(1.5) and gap.spread == pytest.approx(0.5)
    assert gap.n == 3 and gap.verdict == "better" and gap.is_result
    assert str(gap) == "+1.50 ± 0.50 dB over 3 (better)"


def test_paired_gap_boundary_is_no_result_and_sign_gives_worse():
    from lowlight_utils.metrics import paired_gap

    # differences 0 and 2: mean 1, sample std sqrt(2) > 1
    assert paired_gap([1.0, 3.0], [1.0, 1.0]).verdict == "no result"
    # differences -1 and -1.2: mean -1.1, std 0.14 -> worse
    assert paired_gap([1.0, 1.0], [2.0, 2.2]).verdict == "worse"
    assert "no result: smaller than its spread" in str(paired_gap([1.0, 3.0], [1.0, 1.0]))


def test_paired_gap_lower_is_better_flips_the_verdict():
    from lowlight_utils.metrics import paired_gap

    a, b = [5.0, 5.1, 4.9], [8.0, 8.2, 7.9]  # a has the smaller colour error
    assert paired_gap(a, b, "ciede2000").verdict == "better"
    assert paired_gap(a, b, "psnr").verdict == "worse"
    assert paired_gap(a, b, "psnr", higher_is_better=False).verdict == "better"


def test_paired_gap_reads_evaluations_row_by_row():
    from lowlight_utils.metrics import paired_gap

    ref = [np.full((16, 16, 3), v / 255) for v in (77, 128, 179)]  # 8-bit levels
    close = evaluate_pairs([r + 1 / 255 for r in ref], ref)
    far = evaluate_pairs([r + 10 / 255 for r in ref], ref)
    gap = paired_gap(close, far, "psnr")
    assert gap.mean == pytest.approx(20.0, abs=1e-3) and gap.verdict == "better"
    assert paired_gap(close, far, "mae").verdict == "better"  # lower MAE


def test_paired_gap_rejects_unequal_short_and_nan_inputs():
    from lowlight_utils.metrics import paired_gap

    with pytest.raises(ValueError, match="same items"):
        paired_gap([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="at least 2"):
        paired_gap([1.0], [1.0])
    with pytest.raises(ValueError, match="non-finite"):
        paired_gap([1.0, float("nan")], [1.0, 2.0])


# ----------------------------------------------------------------------------- what the metrics refuse
def _pair8(shape, seed=40):
    pred, ref = _pair(shape, seed=seed)
    return np.round(pred * 255).astype(np.uint8), np.round(ref * 255).astype(np.uint8)


@pytest.mark.parametrize("data_range", [1, 255])
def test_uint8_images_score_as_skimage_with_either_data_range(data_range):
    """A uint8 pair scores what scikit-image gives it (its data range: the dtype's, 255),
    whether data_range is left at 1 (divided by 255) or given as 255."""
    p8, r8 = _pair8((24, 26, 3))
    assert psnr(p8, r8, data_range) == pytest.approx(sk_psnr(r8, p8), abs=1e-9)
    expected = sk_ssim(r8, p8, channel_axis=-1, gaussian_weights=True, sigma=1.5,
                       use_sample_covariance=False)
    assert ssim(p8, r8, data_range) == pytest.approx(expected, abs=1e-6)
    scale = 255.0 if data_range == 1 else 1.0
    assert mae(p8, r8, data_range) == pytest.approx(np.abs(p8 / scale - r8 / scale).mean())
    assert uqi(p8, r8, data_range=data_range) == pytest.approx(uqi(p8 / 255.0, r8 / 255.0))
    assert metrics.ciede2000(p8, r8, data_range) == pytest.approx(
        metrics.ciede2000(p8 / 255.0, r8 / 255.0))


def test_uint16_is_scaled_by_its_own_range():
    p8, r8 = _pair8((16, 16, 3), seed=41)
    p16, r16 = p8.astype(np.uint16) * 257, r8.astype(np.uint16) * 257  # 255 * 257 = 65535
    assert psnr(p16, r16) == pytest.approx(sk_psnr(r16, p16), abs=1e-9)
    assert psnr(p16, r16) == pytest.approx(psnr(p8, r8), abs=1e-9)


@pytest.mark.parametrize("fn", [psnr, ssim, mae, metrics.ciede2000])
def test_floats_outside_the_range_raise_and_name_it(fn):
    p8, r8 = _pair8((16, 16, 3), seed=42)
    p, r = p8.astype(np.float64), r8.astype(np.float64)  # 0-255 floats
    with pytest.raises(ValueError, match=r"pred values lie in \[\d+, 2\d\d\], outside \[0, 1\]"
                                         r".*data_range=255"):
        fn(p, r)
    # with the range they are in, they score as the uint8 images do (and as skimage)
    assert fn(p, r, 255) == pytest.approx(fn(p8, r8, 255), abs=1e-9)
    with pytest.raises(ValueError, match=r"ref values lie in \[-0.5, "):
        fn(p / 255, np.where(r8 == r8.max(), -0.5, r / 255))


def test_uqi_refuses_out_of_range_and_scales_its_flatness_with_data_range():
    pred, ref = _pair((16, 16, 3), seed=43)
    with pytest.raises(ValueError, match=r"outside \[0, 1\]"):
        uqi(pred * 255, ref * 255)
    assert uqi(pred * 255, ref * 255, data_range=255) == pytest.approx(uqi(pred, ref))


def test_bad_dtypes_nan_and_integer_ranges_raise():
    p8, r8 = _pair8((16, 16, 3), seed=44)
    with pytest.raises(ValueError, match=r"pred is uint8.*data_range=1,.*data_range=255.*got "
                                         r"data_range=100"):
        psnr(p8, r8, 100)
    with pytest.raises(ValueError, match="dtype int16"):
        psnr(p8.astype(np.int16), r8.astype(np.int16))
    with pytest.raises(ValueError, match="dtype bool"):
        ssim(np.zeros((16, 16), bool), np.zeros((16, 16), bool))
    nan = np.full((16, 16, 3), 0.5)
    nan[3, 4, 1] = np.nan
    with pytest.raises(ValueError, match="pred holds 1 NaN"):
        mae(nan, np.zeros_like(nan))


def test_ciede2000_never_clips():
    """The issue's case: 0-255 floats scored as [0, 1] images were clipped to white and
    scored 1.95 where the same images in [0, 1] score 4.80. Now they raise; with their
    range they score what the [0, 1] images score."""
    from skimage.color import deltaE_ciede2000, rgb2lab

    pred, ref = _pair((12, 12, 3), seed=45)
    expected = deltaE_ciede2000(rgb2lab(pred), rgb2lab(ref)).mean()
    assert metrics.ciede2000(pred, ref) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match=r"outside \[0, 1\]"):
        metrics.ciede2000(pred * 255, ref * 255)
    assert metrics.ciede2000(pred * 255, ref * 255, 255) == pytest.approx(expected, rel=1e-9)
    with pytest.raises(ValueError, match=r"pred values lie in \[.*, 1.01\]"):
        metrics.ciede2000(np.where(pred == pred.max(), 1.01, pred), ref)


# ----------------------------------------------------------------------------- scored as saved
def test_uqi_is_not_thrown_by_sub_level_noise_on_flat_blocks():
    """A reference with flat areas, plus 1e-6 noise, scored UQI 0.68 (SSIM 1.000) under
    the exact-flatness rule; rounded to 8 bits it scored 1. Both now score 1."""
    from lowlight_utils.metrics import quantize_8bit

    rng = np.random.default_rng(46)
    ref = np.round(rng.random((32, 40, 3)) * 255) / 255
    ref[:20, :24] = 0.4  # flat areas, as skies and walls are
    ref[-12:, -16:] = 0.0
    noisy = np.clip(ref + 1e-6 * rng.standard_normal(ref.shape), 0, 1)
    assert ssim(noisy, ref) == pytest.approx(1.0, abs=1e-9)
    assert uqi(noisy, ref) == pytest.approx(1.0, abs=1e-6)
    assert uqi(noisy, ref) == pytest.approx(uqi(quantize_8bit(noisy), ref), abs=1e-6)
    # flat against real texture (an 8-bit level or more) is still Q = 0, as in img_qi.m,
    # and flat black against one level up too
    textured = np.full((8, 8), 0.4)
    textured[::2] += 1 / 255
    assert uqi(textured, np.full((8, 8), 0.4)) == 0.0
    assert uqi(np.full((8, 8), 1 / 255), np.zeros((8, 8))) == 0.0


def test_quantize_8bit_is_what_a_saved_png_reads_back(tmp_path):
    from lowlight_utils.data.io import load_image, save_image
    from lowlight_utils.metrics import quantize_8bit

    pred, _ = _pair((9, 13, 3), seed=47)
    pred = pred.astype(np.float32)
    pred[0, :3, 0] = [0.5 / 255, 1.5 / 255, 2.5 / 255]  # ties: round half to even, as saved
    save_image(tmp_path / "out.png", pred)
    np.testing.assert_array_equal(quantize_8bit(pred), load_image(tmp_path / "out.png"))
    np.testing.assert_allclose(quantize_8bit(pred * 255, 255), np.round(pred * 255), atol=1e-4)
    with pytest.raises(ValueError, match=r"outside \[0, 1\]"):
        quantize_8bit(pred + 0.5)


def test_evaluate_pairs_scores_float_outputs_as_their_8bit_rounding():
    """A learned model's float output and the same output saved as 8 bits get the same
    table row: UQI and SSIM (and every other metric) of the float equal the rounding's."""
    rng = np.random.default_rng(48)
    ref = np.round(rng.random((30, 34, 3)) * 255).astype(np.float32) / 255
    ref[:16, :16] = 0.5
    out = np.clip(ref + 0.02 * rng.standard_normal(ref.shape), 0, 1)  # float output
    out[:16, :16] = 0.5 + 1e-4 * rng.standard_normal((16, 16, 3))  # sub-level noise
    rounded = np.round(out * 255) / 255
    as_uint8 = np.round(out * 255).astype(np.uint8)
    row = evaluate_pairs([out], [ref]).rows[0]
    assert row["uqi"] == pytest.approx(uqi(rounded, ref), abs=1e-6)
    assert row["ssim"] == pytest.approx(ssim(rounded, ref), abs=1e-6)
    assert row == evaluate_pairs([as_uint8], [ref]).rows[0]
    unrounded = evaluate_pairs([out], [ref], quantize=False)
    assert unrounded.rows[0]["psnr"] == pytest.approx(psnr(out, ref))
    assert unrounded.quantized is False and "not rounded" in unrounded.to_markdown()


def test_evaluate_pairs_names_the_item_with_out_of_range_values():
    ok, _ = _pair((16, 16, 3), seed=49)
    with pytest.raises(ValueError, match=r"item 'bright'.*\[0, 2\d\d(\.\d+)?\], outside \[0, 1\]"):
        evaluate_pairs([ok, ok * 255], [ok, ok], names=["fine", "bright"])


# ----------------------------------------------------------------------------- LOL protocols
def _retinexformer_gt_mean(restored, target):
    """Retinexformer's Enhancement/test_from_dataset.py (--GT_mean), lines 185-190."""
    import cv2

    mean_restored = cv2.cvtColor(restored.astype(np.float32), cv2.COLOR_BGR2GRAY).mean()
    mean_target = cv2.cvtColor(target.astype(np.float32), cv2.COLOR_BGR2GRAY).mean()
    return np.clip(restored * (mean_target / mean_restored), 0, 1)


def test_gt_mean_is_retinexformers_correction():
    from lowlight_utils.metrics import gt_mean

    rng = np.random.default_rng(50)
    target = rng.random((20, 24, 3)).astype(np.float32)
    restored = (0.4 * target * [1.0, 0.8, 0.6] + 0.05).astype(np.float32)  # dark, tinted
    expected = _retinexformer_gt_mean(restored, target)
    np.testing.assert_array_equal(gt_mean(restored, target), expected)
    assert gt_mean(restored, target).dtype == np.float32
    # its grey is OpenCV's BGR weights on RGB data, as in Retinexformer: B weighs 0.299
    blue = np.zeros((4, 4, 3), np.float32)
    blue[..., 2] = 0.5
    np.testing.assert_allclose(gt_mean(blue, np.full_like(blue, 0.299 * 0.5)), blue, atol=1e-6)
    # grey images use their mean; a black prediction stays black
    np.testing.assert_allclose(gt_mean(np.full((4, 4), 0.2), np.full((4, 4), 0.4)), 0.4)
    assert not gt_mean(np.zeros((4, 4, 3)), target[:4, :4]).any()


def test_evaluate_pairs_gt_mean_protocol_is_recorded_and_flatters_a_dark_input():
    from lowlight_utils.metrics import PROTOCOLS, gt_mean, quantize_8bit

    rng = np.random.default_rng(51)
    refs = [np.round(rng.random((24, 24, 3)) * 255).astype(np.float32) / 255 for _ in range(2)]
    dark = [np.clip(0.3 * r + 0.01 * rng.standard_normal(r.shape), 0, 1) for r in refs]
    ev = {p: evaluate_pairs(dark, refs, protocol=p) for p in PROTOCOLS}
    assert PROTOCOLS == ("rgb", "gt-mean")
    for i in range(2):
        assert ev["gt-mean"].rows[i]["psnr"] == pytest.approx(
            psnr(quantize_8bit(gt_mean(dark[i], refs[i])), refs[i]), abs=1e-9)
        assert ev["rgb"].rows[i]["psnr"] == pytest.approx(
            psnr(quantize_8bit(dark[i]), refs[i]), abs=1e-9)
    assert ev["gt-mean"].means["psnr"] > ev["rgb"].means["psnr"] + 5
    assert ev["gt-mean"].protocol == "gt-mean" and ev["rgb"].protocol == "rgb"
    assert "protocol gt-mean" in ev["gt-mean"].to_markdown()
    with pytest.raises(ValueError, match="unknown protocol 'gtmean'; choose one of rgb, gt-mean"):
        evaluate_pairs(dark, refs, protocol="gtmean")


def test_gt_mean_csv_records_the_protocol(tmp_path):
    pred, ref = _pair((16, 16, 3), seed=52)
    path = evaluate_pairs([pred], [ref], protocol="gt-mean").to_csv(tmp_path / "m.csv")
    with open(path, newline="") as f:
        assert [r["protocol"] for r in csv.DictReader(f)] == ["gt-mean"]
