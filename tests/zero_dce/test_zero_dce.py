"""Zero-DCE: networks, curves, the four losses against direct NumPy formulas, the models."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from lowlight_utils import zero_dce as z  # noqa: E402
from lowlight_utils.config import get_profile  # noqa: E402


def _images(n=2, h=20, w=24, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return (rng.random((n, h, w, 3)) * scale).astype(np.float32)


# --------------------------------------------------------------------------------------
# Networks


def test_dce_net_has_the_papers_parameter_count_and_any_size():
    net = z.dce_net()
    assert net.count_params() == 79_416
    out = net(_images(1, 37, 53)).numpy()
    assert out.shape == (1, 37, 53, 24)
    assert np.all(np.abs(out) <= 1.0)
    convs = [layer for layer in net.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.kernel_size for c in convs] == [(3, 3)] * 7
    assert [c.filters for c in convs] == [32] * 6 + [24]
    # one multiply-add per kernel weight per output pixel
    assert sum(int(np.prod(c.kernel.shape)) for c in convs) == z.DCE_NET_MACS_PER_PIXEL


def test_dce_net_concatenations_are_symmetric():
    net = z.dce_net()
    inputs = {
        name: [t.name for t in net.get_layer(name).input]
        for name in ("cat34", "cat25", "cat16")
    }
    produced = {layer.output.name: layer.name for layer in net.layers if "conv" in layer.name}
    sources = {k: sorted(produced[n] for n in v) for k, v in inputs.items()}
    assert sources == {
        "cat34": ["conv3", "conv4"],
        "cat25": ["conv2", "conv5"],
        "cat16": ["conv1", "conv6"],
    }


def test_plusplus_net_is_depthwise_separable_with_10561_parameters():
    net = z.dce_net_plusplus()
    assert net.count_params() == 10_561
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds.count("DepthwiseConv2D") == 7
    assert net(_images(1, 9, 11)).shape == (1, 9, 11, 3)


# --------------------------------------------------------------------------------------
# Curves


def test_le_curve_maps_unit_interval_monotonically_and_brightens_for_positive_alpha():
    x = np.linspace(0, 1, 101)
    for alpha in (-1.0, -0.3, 0.0, 0.5, 1.0):
        y = z.le_curve(x, alpha)
        assert y[0] == 0.0 and y[-1] == 1.0
        assert np.all(np.diff(y) >= 0) and y.min() >= 0 and y.max() <= 1
    assert np.all(z.le_curve(x[1:-1], 0.5) > x[1:-1])
    assert np.all(z.le_curve(x[1:-1], -0.5) < x[1:-1])


def test_apply_curves_matches_the_official_update_with_r_equal_minus_alpha():
    x = _images(2, 6, 7, seed=1)
    alpha = np.random.default_rng(2).uniform(-1, 1, (2, 6, 7, 24)).astype(np.float32)
    expected = x.astype(np.float64)
    for i in range(8):
        r = -alpha[..., 3 * i : 3 * i + 3]
        expected = expected + r * (expected**2 - expected)  # the official code's form
    got = z.apply_curves(x, alpha).numpy()
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert got.min() >= 0 and got.max() <= 1


def test_apply_curves_reuses_a_single_map():
    x = _images(1, 4, 5, seed=3)
    a = np.full((1, 4, 5, 3), 0.7, np.float32)
    expected = x.copy()
    for _ in range(5):
        expected = expected + 0.7 * expected * (1 - expected)
    np.testing.assert_allclose(z.apply_curves(x, a, iterations=5).numpy(), expected, atol=1e-6)
    with pytest.raises(ValueError, match="3 \\* k"):
        z.apply_curves(x, np.zeros((1, 4, 5, 4), np.float32))
    with pytest.raises(ValueError, match="hold 8 maps"):
        z.apply_curves(x, np.zeros((1, 4, 5, 24), np.float32), iterations=5)


def test_upsample_bilinear_matches_tf_image_resize():
    small = _images(2, 5, 7, seed=4)
    got = z.upsample_bilinear(tf.constant(small), 37, 50).numpy()
    ref = tf.image.resize(small, [37, 50], method="bilinear").numpy()
    np.testing.assert_allclose(got, ref, atol=1e-5)


# --------------------------------------------------------------------------------------
# Losses against direct NumPy implementations of their formulas


def _np_block_means(img, block):
    m = img.astype(np.float64).mean(-1)
    n, h, w = m.shape
    hb, wb = h // block, w // block
    return m[:, : hb * block, : wb * block].reshape(n, hb, block, wb, block).mean((2, 4))


def _np_spatial(original, enhanced):
    po, pe = _np_block_means(original, 4), _np_block_means(enhanced, 4)
    n, h, w = po.shape

    def at(p, k, i, j):
        return p[k, i, j] if 0 <= i < h and 0 <= j < w else 0.0  # zero outside

    total = 0.0
    for k in range(n):
        for i in range(h):
            for j in range(w):
                for di, dj in ((0, -1), (0, 1), (-1, 0), (1, 0)):
                    d_o = po[k, i, j] - at(po, k, i + di, j + dj)
                    d_e = pe[k, i, j] - at(pe, k, i + di, j + dj)
                    total += (d_o - d_e) ** 2
    return total / (n * h * w)


def test_spatial_consistency_loss_matches_numpy():
    original = _images(2, 22, 26, seed=5, scale=0.3)
    enhanced = _images(2, 22, 26, seed=6)
    got = float(z.spatial_consistency_loss(original, enhanced))
    assert got == pytest.approx(_np_spatial(original, enhanced), rel=1e-5)
    assert float(z.spatial_consistency_loss(original, original)) == 0.0


def test_exposure_loss_matches_numpy_and_drops_incomplete_patches():
    x = _images(2, 40, 50, seed=7)
    means = _np_block_means(x, 16)  # 2 x 3 blocks per image; the rest is dropped
    assert means.shape == (2, 2, 3)
    expected = np.mean((means - 0.6) ** 2)
    assert float(z.exposure_loss(x)) == pytest.approx(expected, rel=1e-5)
    expected8 = np.mean((_np_block_means(x, 8) - 0.4) ** 2)
    assert float(z.exposure_loss(x, target=0.4, patch=8)) == pytest.approx(expected8, rel=1e-5)
    assert float(z.exposure_loss(np.full((1, 32, 32, 3), 0.6, np.float32))) < 1e-12


def test_color_constancy_loss_matches_numpy_and_is_safe_on_grey_images():
    x = _images(3, 8, 9, seed=8)
    x[..., 0] *= 0.5
    m = x.astype(np.float64).mean((1, 2))
    d_rg, d_rb, d_gb = (m[:, 0] - m[:, 1]) ** 2, (m[:, 0] - m[:, 2]) ** 2, (m[:, 1] - m[:, 2]) ** 2
    expected = np.mean(np.sqrt(d_rg**2 + d_rb**2 + d_gb**2))
    assert float(z.color_constancy_loss(x)) == pytest.approx(expected, rel=1e-5)

    grey = tf.Variable(np.full((1, 4, 4, 3), 0.3, np.float32))
    with tf.GradientTape() as tape:
        loss = z.color_constancy_loss(grey)
    grad = tape.gradient(loss, grey).numpy()
    assert float(loss) == 0.0 and np.all(np.isfinite(grad))


def _np_tv_official(curves_nhwc):
    x = np.transpose(curves_nhwc.astype(np.float64), (0, 3, 1, 2))  # NCHW, as the official code
    n, _, h, w = x.shape
    count_h, count_w = (h - 1) * w, h * (w - 1)
    h_tv = ((x[:, :, 1:, :] - x[:, :, :-1, :]) ** 2).sum()
    w_tv = ((x[:, :, :, 1:] - x[:, :, :, :-1]) ** 2).sum()
    return 2 * (h_tv / count_h + w_tv / count_w) / n


def test_illumination_smoothness_loss_matches_the_official_nchw_formula():
    curves = np.random.default_rng(9).uniform(-1, 1, (2, 10, 13, 24)).astype(np.float32)
    got = float(z.illumination_smoothness_loss(curves))
    assert got == pytest.approx(_np_tv_official(curves), rel=1e-5)


def test_keras_example_normalisation_and_its_11x_factor():
    curves = np.random.default_rng(10).uniform(-1, 1, (1, 256, 256, 24)).astype(np.float32)
    x = curves.astype(np.float64)
    n, _, w, c = x.shape  # the Keras example reads (H, W, C) as if it were (C, H, W)
    h_tv = ((x[:, 1:] - x[:, :-1]) ** 2).sum()
    w_tv = ((x[:, :, 1:] - x[:, :, :-1]) ** 2).sum()
    expected = 2 * (h_tv / ((w - 1) * c) + w_tv / (w * (c - 1))) / n
    keras_like = float(z.illumination_smoothness_loss(curves, "keras-example"))
    official = float(z.illumination_smoothness_loss(curves, "official"))
    assert keras_like == pytest.approx(expected, rel=1e-5)
    assert 10.5 < keras_like / official < 11.5
    with pytest.raises(ValueError, match="normalization"):
        z.illumination_smoothness_loss(curves, "nchw")


# --------------------------------------------------------------------------------------
# Models


def test_zero_dce_any_size_and_fused_inference_equals_the_plain_path():
    model = z.ZeroDCE()
    x = _images(1, 37, 53, seed=11, scale=0.3)
    fused = model(x).numpy()
    plain = model(x, training=True).numpy()
    assert fused.shape == x.shape and fused.min() >= 0 and fused.max() <= 1
    np.testing.assert_allclose(fused, plain, atol=1e-5)
    assert model.size_multiple == 1


def test_plusplus_downscales_for_estimation_and_upsamples_curves():
    model = z.ZeroDCEPlusPlus(downscale=4)
    x = _images(1, 37, 53, seed=12, scale=0.3)
    assert model.small_curves(x).shape == (1, 10, 14, 3)
    curves = model.estimate_curves(x)
    assert curves.shape == (1, 37, 53, 3)
    fused = model(x).numpy()
    np.testing.assert_allclose(fused, z.apply_curves(x, curves, 8).numpy(), atol=1e-5)
    with pytest.raises(ValueError, match="downscale"):
        z.ZeroDCEPlusPlus(downscale=0)


def test_plusplus_estimates_curves_at_the_papers_factor_unless_auto():
    """Zero-DCE++'s official test script estimates curves at 1/12 (scale_factor = 12) for
    every image; that is the default. "auto" (the longest side near 100 px) is a named
    variant, and factor_for says which factor an image gets."""
    assert z.PAPER_DOWNSCALE == 12
    paper, auto = z.ZeroDCEPlusPlus(filters=4), z.ZeroDCEPlusPlus(filters=4, downscale="auto")
    lol = np.zeros((1, 400, 600, 3), np.float32)  # LOL's size
    assert paper.downscale == 12 and paper.factor_for(400, 600) == 12
    assert paper.small_curves(lol).shape == (1, 34, 50, 3)  # ceil(400 / 12), 600 / 12
    assert auto.factor_for(400, 600) == 6 and auto.small_curves(lol).shape == (1, 67, 100, 3)
    assert auto.factor_for(900, 1200) == 12 and auto.factor_for(64, 64) == 1
    assert auto.small_curves(np.zeros((1, 64, 64, 3), np.float32)).shape == (1, 64, 64, 3)
    assert paper.factor_for(400, 600, training=True) == 1  # training: full resolution
    # the factor is saved with the model
    assert z.ZeroDCEPlusPlus.from_config(paper.get_config()).downscale == 12
    assert z.ZeroDCEPlusPlus.from_config(auto.get_config()).downscale == "auto"


def test_total_loss_uses_the_paper_weights_and_ablation_zeroes_a_term():
    assert z.LOSS_WEIGHTS == {"smoothness": 200, "spatial": 1, "color": 5, "exposure": 10}
    model = z.ZeroDCE(filters=4)
    terms = {"smoothness": 1.0, "spatial": 2.0, "color": 3.0, "exposure": 4.0}
    assert float(model.total_loss(terms)) == pytest.approx(200 + 2 + 15 + 40)
    no_exp = z.ZeroDCE(filters=4, loss_weights={"exposure": 0.0})
    assert float(no_exp.total_loss(terms)) == pytest.approx(217)
    with pytest.raises(ValueError, match="unknown loss"):
        z.ZeroDCE(loss_weights={"perceptual": 1.0})


def _pairs_dataset(n=4, size=32, high_value=np.nan):
    low = _images(n, size, size, seed=13, scale=0.2)
    high = np.full_like(low, high_value)
    return tf.data.Dataset.from_tensor_slices((low, high)).batch(2)


def test_fit_uses_only_the_low_image_and_reports_each_loss():
    model = z.build("quick", filters=8, jit_compile=False)
    before = [w.numpy().copy() for w in model.net.weights]
    # References full of NaN: any use of them in training would make the losses NaN.
    history = model.fit(_pairs_dataset(), epochs=2, verbose=0).history
    for key in ("loss", "smoothness_loss", "spatial_loss", "color_loss", "exposure_loss"):
        assert key in history and np.all(np.isfinite(history[key]))
    after = [w.numpy() for w in model.net.weights]
    assert any(not np.allclose(a, b) for a, b in zip(before, after, strict=True))


def test_training_reduces_the_exposure_loss_of_dark_images():
    keras.utils.set_random_seed(0)
    model = z.build("quick", filters=8, learning_rate=1e-2, jit_compile=False)
    data = _pairs_dataset(size=32).repeat()
    history = model.fit(data, steps_per_epoch=30, epochs=2, verbose=0).history
    assert history["exposure_loss"][-1] < 0.8 * history["exposure_loss"][0]


def test_evaluate_reports_psnr_and_ssim_against_the_reference():
    model = z.ZeroDCE(filters=8)
    model.compile(optimizer="adam")
    low = _images(2, 32, 32, seed=14, scale=0.2)
    high = _images(2, 32, 32, seed=15)
    result = model.evaluate(low, high, batch_size=2, verbose=0, return_dict=True)
    out = model(low)
    assert result["psnr"] == pytest.approx(float(tf.reduce_mean(tf.image.psnr(out, high, 1.0))))
    assert result["ssim"] == pytest.approx(
        float(tf.reduce_mean(tf.image.ssim(out, high, 1.0))), rel=1e-4
    )
    assert {"loss", "exposure_loss", "color_loss"} <= set(result)


def test_build_follows_the_profiles_and_clips_gradients_as_the_official_code():
    full = z.build(get_profile("full"))
    assert isinstance(full, z.ZeroDCE) and full.net.count_params() == 79_416
    assert float(full.optimizer.learning_rate) == pytest.approx(1e-4)
    assert full.optimizer.global_clipnorm == pytest.approx(0.1)
    assert z.PROFILE_SETTINGS["full"]["crop"] == 256
    assert z.PROFILE_SETTINGS["full"]["batch_size"] == 16
    pp = z.build_plusplus("quick", crop=32, learning_rate=3e-4)
    assert isinstance(pp, z.ZeroDCEPlusPlus) and pp.loss_weights["smoothness"] == 1600
    assert float(pp.optimizer.learning_rate) == pytest.approx(3e-4)
    with pytest.raises(ValueError, match="variant"):
        z.build("quick", variant="zero-dce+++")


@pytest.mark.parametrize(
    "make",
    [
        lambda: z.ZeroDCE(filters=8, smoothness_normalization="keras-example"),
        lambda: z.ZeroDCEPlusPlus(filters=8, downscale=3),
    ],
)
def test_models_save_and_load_with_safe_mode(tmp_path, make):
    model = make()
    model.compile(optimizer=keras.optimizers.Adam(1e-4, global_clipnorm=0.1))
    path = tmp_path / "zero_dce.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert type(loaded) is type(model)
    assert loaded.get_config() == model.get_config()
    x = _images(1, 29, 31, seed=16, scale=0.3)
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), atol=1e-6)
    assert loaded.optimizer.global_clipnorm == pytest.approx(0.1)


def test_enhance_image_runs_both_models_at_full_resolution_on_odd_sizes():
    from lowlight_utils.inference import enhance_image

    for model in (z.ZeroDCE(filters=8), z.ZeroDCEPlusPlus(filters=8, downscale=5)):
        for h, w in ((37, 53), (64, 41)):
            image = _images(1, h, w, seed=h + w, scale=0.3)[0]
            out = enhance_image(model, image)
            assert out.shape == image.shape
            plain = model(image[None], training=False).numpy()[0]
            np.testing.assert_allclose(out, plain, atol=1e-5)
            if isinstance(model, z.ZeroDCE) and not isinstance(model, z.ZeroDCEPlusPlus):
                reference = z.apply_curves(image[None], model.estimate_curves(image[None]))
                np.testing.assert_allclose(out, reference.numpy()[0], atol=1e-5)
