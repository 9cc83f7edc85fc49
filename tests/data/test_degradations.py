"""The three tasks' degradations, the per-task samples, and the CIEDE2000 metric."""

from __future__ import annotations

import numpy as np
import pytest
from skimage.color import deltaE_ciede2000, rgb2lab

from lowlight_utils.data import DatasetError, course_splits, find_pairs, load_image, synthetic
from lowlight_utils.data.degradations import (
    TASKS,
    degrade,
    gaussian_kernel,
    synthesize_blur,
    synthesize_noise,
)
from lowlight_utils.metrics import ciede2000, evaluate_pairs, psnr


def _photo(seed=0, side=64):
    import cv2

    rng = np.random.default_rng(seed)
    return np.clip(cv2.resize(rng.random((8, 8, 3)), (side, side)), 0, 1)


def test_noise_keeps_brightness_and_more_gain_means_more_noise():
    img = _photo()
    quiet = synthesize_noise(img, seed=1, gain=2.0, bits=16)
    loud = synthesize_noise(img, seed=1, gain=64.0, bits=16)
    assert abs(quiet.mean() - img.mean()) < 0.01 and abs(loud.mean() - img.mean()) < 0.02
    assert psnr(quiet, img) > psnr(loud, img) + 8  # 32x the gain: ~15 dB more noise power
    np.testing.assert_array_equal(synthesize_noise(img, seed=3), synthesize_noise(img, seed=3))
    with pytest.raises(ValueError, match="gain"):
        synthesize_noise(img, seed=0, gain=0.5)


def test_blur_is_the_known_kernel_and_keeps_the_mean():
    import cv2

    img = _photo(side=32)
    out = synthesize_blur(img, seed=0, sigma=1.0, bits=16)
    k = gaussian_kernel(1.0)
    assert k.shape == (7, 7) and abs(k.sum() - 1) < 1e-12
    np.testing.assert_allclose(out, cv2.GaussianBlur(img, (7, 7), 1.0,
                                                     borderType=cv2.BORDER_REFLECT), atol=2e-5)
    assert synthesize_blur(img, seed=0, bits=16).std() < img.std()
    noisy = synthesize_blur(img, seed=0, noise=0.05, bits=16)
    assert 0.03 < (noisy - out).std() < 0.07


def test_degrade_dispatches_and_rejects_unknown_tasks():
    img = _photo()
    assert TASKS == ("low-light", "noise", "blur")
    assert degrade(img, "low-light", 0).mean() < 0.5 * img.mean()
    for task in ("noise", "blur"):
        assert abs(degrade(img, task, 0).mean() - img.mean()) < 0.03
    with pytest.raises(ValueError, match="unknown task 'rain'"):
        degrade(img, "rain", 0)


def test_each_task_has_its_own_cached_sample_split_by_scene(tmp_path):
    noise = synthetic.sample_dataset(tmp_path / "n", variants=1, task="noise")
    assert synthetic.sample_task(noise) == "noise"
    splits = course_splits(noise)
    assert splits.source == "embedded sample (noise)"
    scenes = {n: {synthetic.scene_of(p) for p in getattr(splits, n)} for n in ("train", "test")}
    assert scenes["test"] == set(synthetic.SAMPLE_SPLIT["test"])
    assert not scenes["train"] & scenes["test"]
    pair = next(p for p in find_pairs(noise) if p.stem == "coffee__v0")
    low, high = load_image(pair.low), load_image(pair.high)
    assert abs(low.mean() - high.mean()) < 0.03 and 15 < psnr(low, high) < 40
    with pytest.raises(FileExistsError):  # a sample of another task never overwrites it
        synthetic.sample_dataset(tmp_path / "n", variants=1, task="blur")
    with pytest.raises(ValueError, match="unknown task"):
        course_splits(noise, task="rain")


def test_lol_folder_refuses_other_tasks(tmp_path):
    for sub in ("our485/low", "our485/high"):
        (tmp_path / "LOL" / sub).mkdir(parents=True)
    with pytest.raises(DatasetError, match="LOL"):
        course_splits(tmp_path / "LOL", task="noise")


def test_every_bundled_colour_photograph_is_a_source():
    assert {"ihc", "retina"} <= set(synthetic.SAMPLE_SOURCES)
    for name in synthetic.SAMPLE_SOURCES:
        img = load_image(synthetic.source_path(name))
        assert img.ndim == 3 and img.shape[-1] == 3 and img.std() > 0.05, name
    train = set(synthetic.SAMPLE_SPLIT["train"])
    assert {"ihc", "retina"} <= train  # the test and validation scenes are unchanged


def test_ciede2000_matches_skimage_and_sees_hue_shifts_psnr_misses():
    rng = np.random.default_rng(0)
    ref = rng.random((12, 10, 3))
    pred = np.clip(ref + rng.normal(0, 0.05, ref.shape), 0, 1)
    expected = deltaE_ciede2000(rgb2lab(pred), rgb2lab(ref)).mean()
    assert ciede2000(pred, ref) == pytest.approx(expected, rel=1e-12)
    assert ciede2000(ref, ref) == 0.0
    # a channel swap and a grey-level error with the same PSNR: CIEDE2000 tells them apart
    scene = np.zeros((8, 8, 3)); scene[..., 1] = 0.6; scene[..., 0] = 0.2  # noqa: E702
    swapped = scene[..., [1, 0, 2]]
    brighter = np.clip(scene + (np.sqrt(np.mean((swapped - scene) ** 2))), 0, 1)
    assert abs(psnr(swapped, scene) - psnr(brighter, scene)) < 1.5
    assert ciede2000(swapped, scene) > 2 * ciede2000(brighter, scene)
    with pytest.raises(ValueError, match="RGB"):
        ciede2000(ref[..., 0], ref[..., 0])


def test_evaluate_pairs_reports_ciede2000_and_a_spread():
    rng = np.random.default_rng(1)
    refs = [rng.random((16, 16, 3)) for _ in range(3)]
    preds = [np.clip(r + 0.02 * (i + 1), 0, 1) for i, r in enumerate(refs)]
    ev = evaluate_pairs(preds, refs)
    from lowlight_utils.metrics import quantize_8bit  # tables score what a PNG holds

    assert ev.rows[1]["ciede2000"] == pytest.approx(ciede2000(quantize_8bit(preds[1]), refs[1]))
    assert ev.stds["psnr"] == pytest.approx(np.std([r["psnr"] for r in ev.rows], ddof=1))
    assert np.isnan(evaluate_pairs([refs[0][..., 0]], [refs[0][..., 0]]).rows[0]["ciede2000"])
    assert "CIEDE2000" in ev.to_markdown()
