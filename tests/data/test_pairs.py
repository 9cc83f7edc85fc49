"""find_pairs, load_image, save_image, split_pairs, make_dataset, course_splits."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from lowlight_utils.data import (
    Augment,
    DatasetError,
    Pair,
    find_pairs,
    load_image,
    make_dataset,
    save_image,
    split_pairs,
)
from lowlight_utils.data.io import _apply_orientation
from tests.conftest import write_rgb

# ---------------------------------------------------------------------------- find_pairs


def test_generic_layout_pairs_by_stem_and_ignores_junk(generic_dataset):
    (generic_dataset / "low" / ".DS_Store").write_bytes(b"\0\1junk")
    (generic_dataset / "high" / "Thumbs.db").write_bytes(b"junk")
    (generic_dataset / "low" / "notes.txt").write_text("hello")
    pairs = find_pairs(generic_dataset)
    assert [p.stem for p in pairs] == ["0", "1", "2"]
    assert all(p.low.parent.name == "low" and p.high.parent.name == "high" for p in pairs)


def test_pairs_across_extensions(tmp_path):
    write_rgb(tmp_path / "low" / "a.png")
    write_rgb(tmp_path / "high" / "a.jpg")
    (pair,) = find_pairs(tmp_path)
    assert pair.low.suffix == ".png" and pair.high.suffix == ".jpg"


def test_lol_layout_numeric_order_and_nested_root(tmp_path):
    root = tmp_path / "lol_dataset"
    for subset, stems in (("our485", ["2", "10", "1"]), ("eval15", ["5"])):
        for s in stems:
            write_rgb(root / subset / "low" / f"{s}.png")
            write_rgb(root / subset / "high" / f"{s}.png")
    pairs = find_pairs(tmp_path)  # looks into the single top-level folder
    assert [(p.subset, p.stem) for p in pairs] == [
        ("our485", "1"), ("our485", "2"), ("our485", "10"), ("eval15", "5")]


def test_unpartnered_images_are_all_named(generic_dataset):
    write_rgb(generic_dataset / "low" / "orphan_low.png")
    write_rgb(generic_dataset / "high" / "orphan_high.png")
    with pytest.raises(DatasetError) as err:
        find_pairs(generic_dataset)
    msg = str(err.value)
    assert "orphan_low.png" in msg and "orphan_high.png" in msg
    assert isinstance(err.value, ValueError)


def test_corrupt_and_truncated_files_are_named(generic_dataset):
    (generic_dataset / "low" / "0.png").write_bytes(b"not a png at all")
    data = (generic_dataset / "high" / "1.png").read_bytes()
    (generic_dataset / "high" / "1.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetError) as err:
        find_pairs(generic_dataset)
    msg = str(err.value)
    assert "0.png" in msg and "1.png" in msg and "2 problem" in msg


@pytest.mark.parametrize("case", ["missing", "empty", "no_high", "unknown_layout"])
def test_missing_or_empty_folders(tmp_path, case):
    if case == "missing":
        root = tmp_path / "nope"
    else:
        root = tmp_path
        if case == "empty":
            (tmp_path / "low").mkdir()
            (tmp_path / "high").mkdir()
        elif case == "no_high":
            write_rgb(tmp_path / "low" / "a.png")
        else:
            (tmp_path / "images").mkdir()
    with pytest.raises(DatasetError, match=str(tmp_path.name)):
        find_pairs(root)


def test_ambiguous_stems_are_refused(tmp_path):
    write_rgb(tmp_path / "low" / "a.png")
    write_rgb(tmp_path / "low" / "a.jpg")
    write_rgb(tmp_path / "high" / "a.png")
    with pytest.raises(DatasetError, match="share a stem"):
        find_pairs(tmp_path)


# ---------------------------------------------------------------------------- load_image


def test_load_8bit_rgb_exact(tmp_path):
    arr = write_rgb(tmp_path / "a.png")
    img = load_image(tmp_path / "a.png")
    assert img.dtype == np.float32 and img.shape == (16, 24, 3)
    np.testing.assert_array_equal(img, arr)


def test_load_16bit_colour_keeps_precision(tmp_path):
    import cv2

    rng = np.random.default_rng(1)
    rgb16 = rng.integers(0, 65536, size=(8, 9, 3), dtype=np.uint16)
    cv2.imwrite(str(tmp_path / "a.png"), rgb16[..., ::-1])  # OpenCV writes BGR
    img = load_image(tmp_path / "a.png")
    np.testing.assert_allclose(img, rgb16 / 65535.0, atol=1e-6)


def test_load_16bit_gray(tmp_path):
    g = (np.arange(12, dtype=np.uint16) * 5000).reshape(3, 4)
    Image.fromarray(g).save(tmp_path / "g.png")
    img = load_image(tmp_path / "g.png")
    assert img.shape == (3, 4, 3)
    np.testing.assert_allclose(img[..., 1], g / 65535.0, atol=1e-6)


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "1"])
def test_load_other_modes_give_rgb(tmp_path, mode):
    write_rgb(tmp_path / "a.png", mode=mode)
    img = load_image(tmp_path / "a.png")
    assert img.shape == (16, 24, 3) and 0.0 <= img.min() and img.max() <= 1.0


def test_exif_orientation_is_applied(tmp_path):
    arr = np.zeros((10, 20, 3), np.uint8)
    arr[:, :5] = 255  # white band on the left
    im = Image.fromarray(arr)
    exif = im.getexif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    im.save(tmp_path / "r.jpg", exif=exif, quality=100)
    img = load_image(tmp_path / "r.jpg")
    assert img.shape == (20, 10, 3)
    assert img[:5].mean() > 0.9 and img[-5:].mean() < 0.1  # band now at the top


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_table_matches_pillow(orientation):
    from PIL import ImageOps

    arr = np.random.default_rng(0).integers(0, 256, (4, 6, 3), dtype=np.uint8)
    im = Image.fromarray(arr)
    exif = im.getexif()
    exif[0x0112] = orientation
    im.info["exif"] = exif.tobytes()
    expected = np.asarray(ImageOps.exif_transpose(im))
    np.testing.assert_array_equal(_apply_orientation(arr, orientation), expected)


def test_load_errors_name_the_file(tmp_path):
    with pytest.raises(DatasetError, match="missing.png"):
        load_image(tmp_path / "missing.png")
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8\xff garbage")
    with pytest.raises(DatasetError, match="bad.jpg"):
        load_image(tmp_path / "bad.jpg")
    write_rgb(tmp_path / "t.jpg", shape=(64, 64))
    data = (tmp_path / "t.jpg").read_bytes()
    (tmp_path / "t.jpg").write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(DatasetError, match="t.jpg"):
        load_image(tmp_path / "t.jpg")


# ---------------------------------------------------------------------------- save_image


def test_save_roundtrip_and_no_overwrite(tmp_path):
    img = np.random.default_rng(0).random((5, 7, 3)).astype(np.float32)
    path = save_image(tmp_path / "sub" / "out.png", img)
    np.testing.assert_allclose(load_image(path), img, atol=0.5 / 255 + 1e-6)
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="out.png"):
        save_image(path, img * 0)
    assert path.read_bytes() == before
    save_image(path, img * 0, overwrite=True)
    assert load_image(path).max() == 0
    assert [p.name for p in path.parent.iterdir()] == ["out.png"]  # no temp file left


def test_save_jpeg_and_bad_extension(tmp_path):
    img = np.full((8, 8, 3), 0.5, np.float32)
    save_image(tmp_path / "a.jpg", img)
    assert abs(load_image(tmp_path / "a.jpg").mean() - 0.5) < 0.01
    with pytest.raises(ValueError, match=".gif"):
        save_image(tmp_path / "a.gif", img)


# ---------------------------------------------------------------------------- split_pairs


def _fake_pairs(stems):
    from pathlib import Path

    return [Pair(Path(f"low/{s}.png"), Path(f"high/{s}.png")) for s in stems]


def test_split_fractions_disjoint_and_seeded():
    pairs = _fake_pairs(range(100))
    a = split_pairs(pairs, (0.7, 0.2, 0.1), seed=1)
    b = split_pairs(pairs, (0.7, 0.2, 0.1), seed=1)
    c = split_pairs(pairs, (0.7, 0.2, 0.1), seed=2)
    assert [len(x) for x in a] == [70, 20, 10]
    assert a == b and a != c
    assert sorted(p for part in a for p in part) == sorted(pairs)


def test_split_keeps_groups_together():
    stems = [f"scene{i}__v{k}" for i in range(10) for k in range(4)]
    pairs = _fake_pairs(stems)
    train, val = split_pairs(pairs, (0.8, 0.2), seed=0, group=lambda p: p.stem.split("__")[0])
    scenes = lambda part: {p.stem.split("__")[0] for p in part}  # noqa: E731
    assert not scenes(train) & scenes(val)
    assert len(train) == 32 and len(val) == 8


def test_split_zero_dce_report_counts_in_order():
    pairs = _fake_pairs(range(485))
    test, train, val = split_pairs(pairs, (30, 370, None), shuffle=False)
    assert test == pairs[:30] and train == pairs[30:400] and val == pairs[400:]


def test_split_rejects_bad_fractions():
    with pytest.raises(ValueError):
        split_pairs(_fake_pairs(range(5)), (0.5, 0.4))
    with pytest.raises(ValueError):
        split_pairs(_fake_pairs(range(5)), (10, None))


# ---------------------------------------------------------------------------- make_dataset


def _pairs_with_offset(tmp_path, n=4, shape=(20, 30)):
    """Pairs where high = low + a constant, so any geometric mismatch is visible."""
    for i in range(n):
        rng = np.random.default_rng(i)
        low = rng.integers(0, 200, size=(*shape, 3), dtype=np.uint8)
        (tmp_path / "low").mkdir(exist_ok=True)
        (tmp_path / "high").mkdir(exist_ok=True)
        Image.fromarray(low).save(tmp_path / "low" / f"{i}.png")
        Image.fromarray(low + 40).save(tmp_path / "high" / f"{i}.png")
    return find_pairs(tmp_path)


def test_dataset_shapes_range_and_determinism(tmp_path):
    pairs = _pairs_with_offset(tmp_path)
    ds = make_dataset(pairs, crop=8, batch_size=2, augment=True, shuffle=True, seed=3)
    batches = list(ds.as_numpy_iterator())
    assert len(batches) == 2
    low, high = batches[0]
    assert low.shape == (2, 8, 8, 3) and low.dtype == np.float32
    assert 0.0 <= low.min() and high.max() <= 1.0
    again = list(make_dataset(pairs, crop=8, batch_size=2, augment=True, shuffle=True,
                              seed=3).as_numpy_iterator())
    np.testing.assert_array_equal(batches[0][0], again[0][0])


def test_paired_augmentation_is_identical_on_both(tmp_path):
    pairs = _pairs_with_offset(tmp_path)
    aug = Augment(flips=True, rot90=True, crop_resize=0.0, jitter=0.0)
    ds = make_dataset(pairs, crop=12, batch_size=1, augment=aug, repeat=True, seed=0)
    for low, high in ds.take(12).as_numpy_iterator():
        np.testing.assert_allclose(high - low, 40 / 255, atol=1e-6)


def test_colour_jitter_uses_same_factors(tmp_path):
    pairs = _pairs_with_offset(tmp_path, n=1)
    # identical images stay identical under a shared jitter; different draws would differ
    pair = pairs[0]
    same = [Pair(pair.low, pair.low)]
    aug = Augment(flips=False, rot90=False, jitter=1.0, crop_resize=1.0)
    for low, high in make_dataset(same, augment=aug, repeat=True).take(5).as_numpy_iterator():
        np.testing.assert_array_equal(low, high)
    jittered = next(make_dataset(same, augment=aug).as_numpy_iterator())[0]
    plain = next(make_dataset(same).as_numpy_iterator())[0]
    assert jittered.shape == plain.shape and not np.allclose(jittered, plain)


def test_value_range_and_empty_input(tmp_path):
    pairs = _pairs_with_offset(tmp_path, n=1)
    low, _ = next(make_dataset(pairs, value_range=(-1, 1)).as_numpy_iterator())
    ref = load_image(pairs[0].low) * 2 - 1
    np.testing.assert_allclose(low[0], ref, atol=1e-6)
    with pytest.raises(DatasetError):
        make_dataset([])


def test_dataset_reports_corrupt_file(tmp_path):
    pairs = _pairs_with_offset(tmp_path, n=2)
    pairs[1].low.write_bytes(b"broken")
    with pytest.raises(Exception, match="1.png"):
        list(make_dataset(pairs).as_numpy_iterator())
