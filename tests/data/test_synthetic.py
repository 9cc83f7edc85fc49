"""The darkening model and the embedded sample data set."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lowlight_utils.data import course_splits, find_pairs, load_image, synthetic
from lowlight_utils.data.synthetic import (
    linear_to_srgb,
    sample_dataset,
    scene_of,
    srgb_to_linear,
    synthesize_low_light,
)


def test_srgb_curve_roundtrip_and_known_values():
    x = np.linspace(0, 1, 101)
    np.testing.assert_allclose(linear_to_srgb(srgb_to_linear(x)), x, atol=1e-12)
    assert abs(srgb_to_linear(0.5) - 0.214041) < 1e-6  # mid-grey is ~21 % of the light


def test_low_light_is_deterministic_dark_quantised_and_noisy():
    img = np.random.default_rng(0).random((64, 64, 3)).astype(np.float32)
    a = synthesize_low_light(img, seed=5)
    b = synthesize_low_light(img, seed=5)
    c = synthesize_low_light(img, seed=6)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.dtype == np.float32 and a.shape == img.shape
    np.testing.assert_allclose(a * 255, np.round(a * 255), atol=1e-4)  # 8-bit levels
    assert a.mean() < 0.6 * img.mean()


def test_exposure_scales_linear_light_and_noise_follows_poisson():
    flat = np.full((200, 200, 3), 0.5, np.float32)
    low = synthesize_low_light(flat, seed=0, exposure=0.1, full_well=1000, read_noise=0, bits=16)
    lin = srgb_to_linear(low)
    # mean linear light is exposure x original; variance is that of Poisson counts
    expected_e = srgb_to_linear(0.5) * 0.1 * 1000
    assert abs(lin.mean() * 1000 - expected_e) < 0.5
    assert abs((lin * 1000).var() / expected_e - 1) < 0.1


def test_less_light_means_lower_snr():
    flat = np.full((100, 100, 3), 0.6, np.float32)
    snr = []
    for e in (0.2, 0.02):
        low = synthesize_low_light(flat, seed=1, exposure=e, bits=16)
        snr.append(low.mean() / low.std())
    assert snr[0] > 2 * snr[1]


def test_bad_input():
    with pytest.raises(ValueError, match="shape"):
        synthesize_low_light(np.zeros((4, 4)), seed=0)
    with pytest.raises(ValueError, match="exposure"):
        synthesize_low_light(np.zeros((4, 4, 3)), seed=0, exposure=2.0)


def test_sample_dataset_written_once_and_split_by_scene(tmp_path):
    root = sample_dataset(tmp_path / "s", variants=1)
    pairs = find_pairs(root)
    assert len(pairs) == len(synthetic.SAMPLE_SOURCES)
    manifest = json.loads((root / "manifest.json").read_text())
    assert len(manifest["files"]) == 2 * len(pairs)
    stamp = (root / "low" / "coffee__v0.png").stat().st_mtime_ns
    assert sample_dataset(tmp_path / "s", variants=1) == root  # reused, not rewritten
    assert (root / "low" / "coffee__v0.png").stat().st_mtime_ns == stamp
    with pytest.raises(FileExistsError):
        sample_dataset(tmp_path / "s", variants=2)  # other settings never overwrite it
    high = load_image(root / "high" / "coffee__v0.png")
    low = load_image(root / "low" / "coffee__v0.png")
    assert low.shape == high.shape and low.mean() < 0.5 * high.mean()

    splits = course_splits(root)
    scenes = {k: {scene_of(p) for p in splits[k]} for k in ("train", "val", "test")}
    assert scenes["train"].isdisjoint(scenes["val"] | scenes["test"])
    assert scenes["val"].isdisjoint(scenes["test"])
    assert scenes["train"] == set(synthetic.SAMPLE_SPLIT["train"])
    assert {p.stem for p in splits.train if scene_of(p) == "motorcycle"} == {
        "motorcycle_left__v0", "motorcycle_right__v0"}


def test_sample_variants_share_the_clean_photograph_and_differ_in_the_degraded_one(tmp_path):
    """Each clean photograph is encoded once and copied to its other variants: every copy
    holds the source's pixels; the degraded halves are seeded per variant, so they differ."""
    from lowlight_utils.data.synthetic import source_path

    root = sample_dataset(tmp_path / "s", variants=2, task="blur")
    for name in ("coffee", "retina"):
        source = load_image(source_path(name))
        for k in (0, 1):
            np.testing.assert_array_equal(load_image(root / "high" / f"{name}__v{k}.png"),
                                          np.round(source * 255) / 255)
        lows = [load_image(root / "low" / f"{name}__v{k}.png") for k in (0, 1)]
        assert not np.array_equal(*lows)


def test_sample_refuses_foreign_folder(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "mine.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        sample_dataset(tmp_path / "x")
    assert (tmp_path / "x" / "mine.txt").read_text() == "keep me"


def test_sample_made_by_another_process_meanwhile_is_kept(tmp_path, monkeypatch):
    """Two processes making the same sample at once (make test runs the notebooks beside
    make smoke): the one that finishes second keeps the first one's copy and leaves no
    temporary folder; a foreign folder that appears meanwhile is still an error."""
    import os
    import shutil

    done = sample_dataset(tmp_path / "first", variants=1)
    real_replace = os.replace

    def other_process_wins(src, dst, copy_from):
        if not os.path.basename(str(src)).startswith(".sample-"):
            return real_replace(src, dst)  # an image file's own atomic write
        shutil.copytree(copy_from, dst, dirs_exist_ok=True)
        return real_replace(src, dst)  # fails: dst is not empty

    monkeypatch.setattr(synthetic.os, "replace",
                        lambda s, d: other_process_wins(s, d, done))
    root = sample_dataset(tmp_path / "second", variants=1)
    assert root == tmp_path / "second"
    assert find_pairs(root) and not list(tmp_path.glob(".sample-*"))

    foreign = tmp_path / "foreign_src"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep me")
    monkeypatch.setattr(synthetic.os, "replace",
                        lambda s, d: other_process_wins(s, d, foreign))
    with pytest.raises(OSError):
        sample_dataset(tmp_path / "third", variants=1)
    assert (tmp_path / "third" / "mine.txt").read_text() == "keep me"
    assert not list(tmp_path.glob(".sample-*"))


def test_camera_darkening_is_the_default_and_exposure_stays_a_named_option(tmp_path,
                                                                           monkeypatch):
    """Version 3 darkens with the camera model; the exposure model keeps version 2's folder
    and files (each pair is synthesize_low_light at its seed); both are seeded."""
    from lowlight_utils.data.camera import synthesize_camera_low_light
    from lowlight_utils.data.degradations import degrade
    from lowlight_utils.data.synthetic import sample_darkening, sample_root, source_path

    monkeypatch.setenv("LOWLIGHT_DATA_DIR", str(tmp_path / "cache"))
    assert sample_root().name == "sample-v3" and synthetic.SAMPLE_VERSION == 3
    assert sample_root(darkening="exposure").name == "sample-v2"
    assert sample_root(task="noise").name == "sample-v2-noise"  # unchanged since version 2
    with pytest.raises(ValueError, match="darkening 'flash'"):
        sample_root(darkening="flash")

    camera = sample_dataset(tmp_path / "a", variants=1)
    again = sample_dataset(tmp_path / "b", variants=1)
    exposure = sample_dataset(tmp_path / "e", variants=1, darkening="exposure")
    manifest = [json.loads((r / "manifest.json").read_text()) for r in (camera, again, exposure)]
    assert manifest[0]["params"]["version"] == 3 and manifest[2]["params"]["version"] == 2
    assert manifest[0]["sha256"] == manifest[1]["sha256"]  # a seed gives the same files
    assert (sample_darkening(camera), sample_darkening(exposure)) == ("camera", "exposure")
    assert sample_darkening(tmp_path) is None  # not a sample

    i = synthetic._SEED_ORDER.index("coffee")
    high = load_image(source_path("coffee"))
    low = {r: load_image(r / "low" / "coffee__v0.png") for r in (camera, exposure)}
    np.testing.assert_array_equal(low[camera], synthesize_camera_low_light(high, seed=10 * i))
    np.testing.assert_array_equal(low[exposure], synthesize_low_light(high, seed=10 * i))
    np.testing.assert_array_equal(degrade(high, "low-light", 3, darkening="exposure"),
                                  synthesize_low_light(high, seed=3))
    with pytest.raises(ValueError, match="darkening"):
        sample_dataset(tmp_path / "x", darkening="flash")
