"""Tests of full-resolution inference (lowlight_utils.inference)."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pytest
import tensorflow as tf

from lowlight_utils.data import load_image
from lowlight_utils.inference import (
    enhance_files,
    enhance_folder,
    enhance_image,
    pad_to_multiple,
    probe_size_multiple,
    size_multiple,
)
from lowlight_utils.inference.images import _enhancer
from lowlight_utils.pix2pix import unet_generator
from tests.conftest import write_rgb


def pixelwise_model():
    """A model with no spatial context (1x1 conv + sigmoid): tiling must not change it."""
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(3, 1, kernel_initializer="he_normal")(inputs)
    return keras.Model(inputs, keras.layers.Activation("sigmoid")(x))


def strided_model(depth: int = 3):
    model = unet_generator(image_size=None, base_filters=4, depth=depth)
    model.size_multiple = 2**depth
    return model


def test_pad_to_multiple_mirrors_even_past_the_image_size():
    x = tf.reshape(tf.range(3, dtype=tf.float32), [1, 1, 3, 1])
    padded = pad_to_multiple(x, 8).numpy()[0, 0, :, 0]
    assert padded.shape == (8,)
    np.testing.assert_array_equal(padded, [0, 1, 2, 1, 0, 1, 2, 1])
    big = pad_to_multiple(tf.zeros([2, 37, 53, 3]), 32)
    assert big.shape == (2, 64, 64, 3)
    one = pad_to_multiple(tf.ones([1, 1, 1, 3]), 4)
    assert one.shape == (1, 4, 4, 3) and float(tf.reduce_min(one)) == 1.0


@pytest.mark.parametrize("shape", [(37, 53), (400, 600), (8, 8)])
def test_any_size_comes_back_at_the_same_size(shape):
    model = strided_model()
    img = np.random.default_rng(0).random((*shape, 3), dtype=np.float32)
    out = enhance_image(model, img)
    assert out.shape == img.shape and out.dtype == np.float32
    assert 0.0 <= out.min() and out.max() <= 1.0


def test_padding_only_adds_pixels_outside_the_image():
    """For a pixelwise model the padded run must equal running on the image alone."""
    model = pixelwise_model()
    model.size_multiple = 16
    img = np.random.default_rng(1).random((37, 53, 3), dtype=np.float32)
    expected = model(img[None]).numpy()[0]
    np.testing.assert_allclose(enhance_image(model, img), expected, atol=1e-6)


def test_inference_is_deterministic_with_dropout_in_the_model():
    model = strided_model()  # its decoder has dropout layers
    img = np.random.default_rng(2).random((40, 40, 3), dtype=np.float32)
    np.testing.assert_array_equal(enhance_image(model, img), enhance_image(model, img))


def test_repeated_sizes_do_not_retrace():
    model = strided_model()
    rng = np.random.default_rng(3)
    for shape in [(37, 53), (64, 64), (37, 53), (100, 30), (64, 64)]:
        enhance_image(model, rng.random((*shape, 3), dtype=np.float32))
    assert _enhancer(model).experimental_get_tracing_count() == 1


def test_tiles_blend_to_the_untiled_result():
    model = pixelwise_model()
    img = np.random.default_rng(4).random((70, 90, 3), dtype=np.float32)
    whole = enhance_image(model, img)
    tiled = enhance_image(model, img, tile=32, overlap=8)
    np.testing.assert_allclose(tiled, whole, atol=1e-5)
    # automatic tiling above the pixel limit gives the same
    auto = enhance_image(model, img, max_pixels=1000)
    np.testing.assert_allclose(auto, whole, atol=1e-5)


def test_ensemble_averages_the_six_channel_orders_for_an_image_or_a_batch():
    from lowlight_utils.metrics.colour import channel_order_ensemble

    keras.utils.set_random_seed(1)
    model = pixelwise_model()  # its 1x1 conv mixes the channels unequally
    batch = np.random.default_rng(5).random((2, 20, 24, 3), dtype=np.float32)
    plain = enhance_image(model, batch[0])
    ens = enhance_image(model, batch[0], ensemble=True)
    np.testing.assert_allclose(
        ens, channel_order_ensemble(lambda x: enhance_image(model, x), batch[0]), atol=1e-6)
    assert np.abs(ens - plain).max() > 1e-3  # the ensemble changed the output
    # it commutes with swapping two channels, which the plain model does not
    swap = [1, 0, 2]
    np.testing.assert_allclose(enhance_image(model, batch[0][..., swap], ensemble=True),
                               ens[..., swap], atol=1e-5)
    both = enhance_image(model, batch, ensemble=True, tile=16, overlap=4)
    assert both.shape == batch.shape
    np.testing.assert_allclose(both[0], ens, atol=1e-5)  # tiling a 1x1 model changes nothing


def test_tiles_of_a_convolutional_model_leave_no_seam():
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(3, 3, padding="same", kernel_initializer="he_normal")(inputs)
    model = keras.Model(inputs, keras.layers.Activation("sigmoid")(x))
    img = np.random.default_rng(5).random((64, 96, 3), dtype=np.float32)
    whole = enhance_image(model, img)
    tiled = enhance_image(model, img, tile=32, overlap=8)
    # only pixels within one pixel of a tile edge see different context, and they are
    # blended with the neighbour's correct value, so the error stays small
    assert np.abs(tiled - whole).max() < 0.05
    assert np.abs(tiled - whole).mean() < 1e-3


def test_batches_and_bad_inputs():
    model = pixelwise_model()
    batch = np.random.default_rng(6).random((2, 10, 12, 3), dtype=np.float32)
    assert enhance_image(model, batch).shape == batch.shape
    with pytest.raises(ValueError, match="uint8"):
        enhance_image(model, (batch[0] * 255).astype(np.uint8))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        enhance_image(model, batch[0] * 255)
    with pytest.raises(ValueError, match="shape"):
        enhance_image(model, batch[0, ..., 0])
    with pytest.raises(ValueError, match="overlap"):
        enhance_image(model, batch[0], tile=4, overlap=4)


def _folder(tmp_path):
    src = tmp_path / "in"
    for i in range(3):
        write_rgb(src / f"img{i}.png", shape=(20, 30), seed=i)
    (src / "notes.txt").write_text("not an image")
    (src / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    return src


def test_enhance_folder_names_unreadable_files_and_processes_the_rest(tmp_path):
    src = _folder(tmp_path)
    before = sorted(p.name for p in src.iterdir())
    summary = enhance_folder(pixelwise_model(), src, tmp_path / "out", progress=False)
    assert sorted(p.name for p in summary.written) == ["img0.png", "img1.png", "img2.png"]
    assert list(summary.failed) == [src / "broken.png"]
    assert "broken.png" in str(summary) and not summary.ok
    assert sorted(p.name for p in src.iterdir()) == before  # nothing written into in_dir
    assert load_image(tmp_path / "out" / "img1.png").shape == (20, 30, 3)


def test_enhance_folder_refuses_to_write_inside_the_input(tmp_path):
    src = _folder(tmp_path)
    for out in (src, src / "enhanced"):
        with pytest.raises(ValueError, match="input folder"):
            enhance_folder(pixelwise_model(), src, out, progress=False)
    assert not (src / "enhanced").exists()


def test_enhance_folder_never_overwrites_silently(tmp_path):
    src = _folder(tmp_path)
    out = tmp_path / "out"
    enhance_folder(lambda img: img, src, out, progress=False)  # a plain function works too
    stamp = (out / "img0.png").read_bytes()
    with pytest.raises(FileExistsError, match="overwrite"):
        enhance_folder(lambda img: 1.0 - img, src, out, progress=False)
    assert (out / "img0.png").read_bytes() == stamp
    summary = enhance_folder(lambda img: 1.0 - img, src, out, overwrite=True, progress=False)
    assert len(summary.written) == 3 and (out / "img0.png").read_bytes() != stamp


def test_enhance_files_rejects_two_inputs_with_one_output_name(tmp_path):
    a = tmp_path / "a" / "x.png"
    b = tmp_path / "b" / "x.jpg"
    write_rgb(a)
    write_rgb(b)
    with pytest.raises(ValueError, match="both be written"):
        enhance_files(lambda img: img, [a, b], tmp_path / "out", progress=False)
    with pytest.raises(ValueError, match="next to the inputs"):
        enhance_files(lambda img: img, [a], tmp_path / "a", progress=False)


# --------------------------------------------------------------------------------------
# Models without a size_multiple attribute: the stride is inferred


def bare_unet(depth: int = 3):
    """A U-Net straight from unet_generator: no size_multiple attribute."""
    model = unet_generator(image_size=None, base_filters=4, depth=depth)
    assert not hasattr(model, "size_multiple")
    return model


class Wrapped(keras.Model):
    """A subclassed model whose layers cannot be read as a graph: found by probing."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def call(self, x, training=False):
        return self.inner(x, training=training)


def test_the_stride_of_a_bare_unet_is_read_from_its_layers():
    assert size_multiple(bare_unet(3)) == 8
    assert size_multiple(bare_unet(5)) == 32
    seq = keras.Sequential([keras.Input((None, None, 3)),
                            keras.layers.Conv2D(4, 3, strides=(2, 1), padding="same"),
                            keras.layers.MaxPooling2D(2),
                            keras.layers.UpSampling2D(2),
                            keras.layers.Conv2DTranspose(3, 3, strides=(2, 1), padding="same")])
    assert size_multiple(seq) == 4  # height 2 x 2, width 1 x 2: a multiple of both


def test_the_stride_of_a_subclassed_model_is_found_by_probing():
    assert size_multiple(Wrapped(bare_unet(3))) == 8
    assert probe_size_multiple(pixelwise_model()) == 1


def test_a_model_that_changes_the_size_is_a_clear_error():
    inputs = keras.Input((None, None, 3))
    shrinking = keras.Model(inputs, keras.layers.Conv2D(3, 3, padding="valid")(inputs),
                            name="shrinking")
    with pytest.raises(ValueError, match="shrinking.*same size.*size_multiple"):
        probe_size_multiple(shrinking, sizes=(4, 8))


@pytest.mark.parametrize("shape", [(37, 53), (1, 1), (1, 53), (8, 8), (9, 7)])
def test_a_bare_unet_enhances_any_size(shape):
    img = np.random.default_rng(7).random((*shape, 3), dtype=np.float32)
    for model in (bare_unet(3), Wrapped(bare_unet(3))):
        out = enhance_image(model, img)
        assert out.shape == img.shape and out.dtype == np.float32
        assert 0.0 <= out.min() and out.max() <= 1.0


def test_a_bare_unet_tiles_and_enhances_a_folder(tmp_path):
    model = bare_unet(3)
    img = np.random.default_rng(8).random((37, 53, 3), dtype=np.float32)
    assert enhance_image(model, img, tile=20, overlap=4).shape == img.shape  # tiles of 16
    src = tmp_path / "in"
    write_rgb(src / "odd.png", shape=(37, 53))
    summary = enhance_folder(model, src, tmp_path / "out", progress=False)
    assert summary.ok
    assert load_image(tmp_path / "out" / "odd.png").shape == (37, 53, 3)


def _batchnorm_unet(dropout_blocks: int):
    keras.utils.set_random_seed(5)
    model = unet_generator(image_size=None, base_filters=4, depth=3, norm="batch",
                           dropout_blocks=dropout_blocks)
    model.size_multiple = 8
    return model


def test_training_mode_uses_batch_statistics_and_leaves_the_model_unchanged():
    model = _batchnorm_unet(dropout_blocks=0)  # batch norm, no dropout: an exact oracle
    img = np.random.default_rng(6).random((32, 40, 3), dtype=np.float32)
    before = [v.numpy().copy() for v in model.variables]
    out = enhance_image(model, img, training=True)
    again = enhance_image(model, img, training=True)
    np.testing.assert_array_equal(out, again)
    for old, new in zip(before, model.variables, strict=True):  # moving averages kept
        np.testing.assert_array_equal(old, new.numpy())
    expected = np.clip(model(img[None], training=True).numpy()[0], 0, 1)  # batch statistics
    np.testing.assert_allclose(out, expected, atol=1e-5)
    inference = enhance_image(model, img)  # moving averages of a fresh net: another output
    assert np.abs(out - inference).max() > 1e-2
    np.testing.assert_allclose(inference, np.clip(model(img[None]).numpy()[0], 0, 1), atol=1e-5)


def test_training_mode_applies_dropout_reproducibly():
    model = _batchnorm_unet(dropout_blocks=3)
    img = np.random.default_rng(7).random((32, 32, 3), dtype=np.float32)
    seeds = [v.numpy().copy() for v in model.non_trainable_variables]
    no_dropout = _batchnorm_unet(dropout_blocks=0)  # the same weights, seeded alike
    no_dropout.set_weights([w for w, v in zip(model.get_weights(), model.weights, strict=True)
                            if "seed_generator" not in v.path])
    out = enhance_image(model, img, training=True)
    np.testing.assert_array_equal(out, enhance_image(model, img, training=True))
    assert np.abs(out - enhance_image(no_dropout, img, training=True)).max() > 1e-3
    for old, new in zip(seeds, model.non_trainable_variables, strict=True):
        np.testing.assert_array_equal(old, new.numpy())
    # a copy whose seed generators start elsewhere (as after loading) gives the same output
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    copy.size_multiple = model.size_multiple
    for v in copy.non_trainable_variables:
        if v.path.endswith("seed_generator_state"):
            v.assign(v + 12345)
    np.testing.assert_array_equal(enhance_image(copy, img, training=True), out)


def test_enhance_files_passes_the_mode_on_and_prints_plain_lines_off_a_terminal(
        tmp_path, capsys):
    model = _batchnorm_unet(dropout_blocks=0)
    src = _folder(tmp_path)
    files = sorted(src.glob("img*.png"))
    summary = enhance_files(model, files, tmp_path / "train", training=True)
    printed = capsys.readouterr().out
    assert f"{len(files)}/{len(files)} images" in printed and "\x1b[" not in printed
    enhance_files(model, files, tmp_path / "infer", progress=False)
    out = summary.written[0]
    expected = enhance_image(model, load_image(files[0]), training=True)
    assert np.abs(load_image(out) - expected).max() <= 0.5 / 255 + 1e-6
    assert np.abs(load_image(out) - load_image(tmp_path / "infer" / out.name)).max() > 2 / 255
    with pytest.raises(ValueError, match="keras.Model only"):
        enhance_files(lambda img: img, files, tmp_path / "f", training=True)
