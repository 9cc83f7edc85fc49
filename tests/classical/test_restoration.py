"""The noise and blur tasks' classical baselines restore, and are tuned on validation only."""

from __future__ import annotations

import numpy as np
import pytest

from lowlight_utils.classical import restoration as rb
from lowlight_utils.data.degradations import BLUR_NOISE, synthesize_blur, synthesize_noise
from lowlight_utils.metrics import psnr


def _photo(top: int, left: int, side: int = 96) -> np.ndarray:
    """A crop of a real photograph (textures and edges, not a flat test card)."""
    from skimage import data

    return (data.chelsea()[top:top + side, left:left + side] / 255.0).astype(np.float32)


def _degrade(task: str, clean: np.ndarray, seed: int = 0, **kwargs) -> np.ndarray:
    if task == "noise":
        return synthesize_noise(clean, seed=seed, **{"gain": 16.0, **kwargs})
    return synthesize_blur(clean, seed=seed, **{"noise": BLUR_NOISE, **kwargs})


@pytest.mark.parametrize("name", [n for names in rb.TASK_BASELINES.values() for n in names])
def test_every_baseline_improves_on_its_degraded_input(name):
    task = rb.task_of(name)
    clean = _photo(80, 160)
    degraded = _degrade(task, clean)
    params = rb.PARAM_GRIDS[name][len(rb.PARAM_GRIDS[name]) // 2]  # a middle setting
    out = rb.restore(name, degraded, **params)
    assert out.dtype == np.float32 and out.shape == clean.shape
    assert 0.0 <= out.min() and out.max() <= 1.0
    gain = psnr(out, clean) - psnr(degraded, clean)
    assert gain > 0.5, f"{name} {params}: {gain:+.2f} dB"


def test_tune_picks_the_best_grid_point_by_brute_force():
    pairs = [(_degrade("noise", _photo(t, 200, 48), seed=t), _photo(t, 200, 48))
             for t in (40, 120)]
    grid = [{"weight": w} for w in (0.001, 0.02, 0.05, 0.3)]
    from lowlight_utils.metrics import quantize_8bit  # scored as saved, as the tables are

    scores = [np.mean([psnr(quantize_8bit(rb.restore("tv-chambolle", low, **p)), high)
                       for low, high in pairs]) for p in grid]
    params, score = rb.tune("tv-chambolle", pairs, grid=grid, crop=None)
    assert params == grid[int(np.argmax(scores))] and score == pytest.approx(max(scores))
    # the centre crop is what is scored
    params_c, score_c = rb.tune("tv-chambolle", pairs, grid=grid, crop=24)
    cropped = [(low[12:36, 12:36], high[12:36, 12:36]) for low, high in pairs]
    assert score_c == pytest.approx(rb.tune("tv-chambolle", cropped, grid=grid, crop=None)[1])


def test_tuning_follows_the_validation_pairs_and_ignores_the_test_pairs():
    clean = [_photo(t, 180, 64) for t in (30, 150)]
    slightly = [(synthesize_noise(c, seed=i, gain=1.0), c) for i, c in enumerate(clean)]
    very = [(synthesize_noise(c, seed=i, gain=64.0), c) for i, c in enumerate(clean)]
    grid = rb.PARAM_GRIDS["tv-chambolle"]
    quiet, _ = rb.tune("tv-chambolle", slightly, crop=None)
    loud, _ = rb.tune("tv-chambolle", very, crop=None)
    assert grid.index(quiet) < grid.index(loud)  # noisier validation -> stronger smoothing

    a = rb.evaluate_task_baselines("noise", very, slightly, crop=None)
    b = rb.evaluate_task_baselines("noise", very, very, crop=None)
    assert list(a) == ["identity", *rb.TASK_BASELINES["noise"]] and a["identity"][0] == {}
    assert {k: p for k, (p, _) in a.items()} == {k: p for k, (p, _) in b.items()}
    assert a["tv-chambolle"][0] == loud
    ev = b["nl-means"][1]  # tuned and tested on equally noisy pairs: it helps
    assert len(ev) == 2 and ev.means["psnr"] > b["identity"][1].means["psnr"] + 1


def test_pairs_can_be_course_pairs_on_disk(tmp_path):
    from lowlight_utils.data import Pair, save_image

    clean = _photo(100, 100, 40)
    save_image(tmp_path / "low.png", _degrade("blur", clean))
    save_image(tmp_path / "high.png", clean)
    params, score = rb.tune("wiener", [Pair(tmp_path / "low.png", tmp_path / "high.png")])
    assert params in rb.PARAM_GRIDS["wiener"] and np.isfinite(score)


def test_unknown_names_and_tasks_are_rejected():
    img = _photo(0, 0, 16)
    with pytest.raises(ValueError, match="nl-means.*richardson-lucy"):
        rb.restore("bm3d", img)
    with pytest.raises(ValueError, match="noise baseline 'wiener'"):
        rb.check_name("wiener", task="noise")
    with pytest.raises(ValueError, match="low-light"):
        rb.tune_task("low-light", [(img, img)])
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        rb.restore("wiener", img[..., 0])
    with pytest.raises(ValueError, match="no pairs"):
        rb.tune("wiener", [])


def test_evaluate_task_baselines_can_hand_back_the_images_it_scored():
    from lowlight_utils.metrics import evaluate_pairs

    clean = [_photo(t, 90, 40) for t in (60, 140)]
    pairs = [(_degrade("blur", c), c) for c in clean]
    kept = {}
    results = rb.evaluate_task_baselines("blur", pairs, pairs, crop=None, outputs=kept)
    assert list(kept) == list(results)
    assert all(np.array_equal(a, lo) for a, (lo, _) in zip(kept["identity"], pairs, strict=True))
    params, ev = results["richardson-lucy"]
    again = [rb.restore("richardson-lucy", lo, **params) for lo, _ in pairs]
    assert all(np.array_equal(a, b) for a, b in zip(kept["richardson-lucy"], again, strict=True))
    assert evaluate_pairs(kept["richardson-lucy"], clean).means == ev.means


def test_restore_all_equals_a_loop_in_order():
    """The side-by-side restorations are those of one-at-a-time calls, in the jobs' order."""
    jobs = [(name, _degrade(rb.task_of(name), _photo(40 + 8 * i, 120, 40), seed=i),
             rb.PARAM_GRIDS[name][-1])
            for i, name in enumerate(["nl-means", "richardson-lucy", "wavelet",
                                      "unsupervised-wiener", "opencv-nl-means"])]
    together = rb.restore_all(jobs)
    for (name, image, params), out in zip(jobs, together, strict=True):
        np.testing.assert_array_equal(out, rb.restore(name, image, **params), err_msg=name)


def test_tune_task_restores_nothing_for_a_baseline_with_one_setting(monkeypatch):
    calls = []
    real = rb.restore
    monkeypatch.setattr(rb, "restore", lambda name, image, **p: calls.append(name) or
                        real(name, image, **p))
    clean = _photo(60, 150, 32)
    tuned = rb.tune_task("blur", [(_degrade("blur", clean), clean)], crop=None)
    assert tuned["unsupervised-wiener"] == rb.PARAM_GRIDS["unsupervised-wiener"][0]
    assert "unsupervised-wiener" not in calls
    assert calls.count("wiener") == len(rb.PARAM_GRIDS["wiener"])
