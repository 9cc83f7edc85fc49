"""The camera-pipeline low-light model (Brooks et al., CVPR 2019, unprocessing)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from lowlight_utils.data import camera as C


def _smooth(seed=0, side=64, lo=0.05, hi=0.85):
    """A smooth 8-bit colour image (bicubic upsampling of 4x4 noise), values in [lo, hi]."""
    rng = np.random.default_rng(seed)
    small = lo + (hi - lo) * rng.random((4, 4, 3))
    smooth = np.clip(cv2.resize(small, (side, side), interpolation=cv2.INTER_CUBIC), lo, hi)
    return np.round(smooth * 255) / 255


def _params(seed=0, **kw):
    return C.random_camera_params(np.random.default_rng(seed), **kw)


def test_tone_curve_and_gamma_invert_exactly():
    y = np.linspace(0, 1, 1001)
    np.testing.assert_allclose(C.smoothstep(C.inverse_smoothstep(y)), y, atol=2e-6)
    np.testing.assert_allclose(C.gamma_compression(C.gamma_expansion(y[1:])), y[1:], atol=2e-6)
    assert C.smoothstep(0.5) == pytest.approx(0.5) and C.inverse_smoothstep(0.25) < 0.5


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unprocess_then_process_returns_the_input(seed):
    """Without light, exposure and noise, and with the true gains, the camera returns the
    photograph: its colour stages exactly; through the mosaic, exactly on flat colours
    (where bilinear demosaicing is exact) and within 8-bit rounding on a smooth image."""
    p = _params(seed)
    image = _smooth(seed, side=256)
    # the colour stages alone (no mosaic): float32 precision
    linear = C.apply_ccm(C.gamma_expansion(C.inverse_smoothstep(image)), p.rgb2cam)
    raw_rgb = C.safe_invert_gains(linear, p.rgb_gain, p.red_gain, p.blue_gain)
    back = raw_rgb * (np.array([p.red_gain, 1.0, p.blue_gain]) * p.rgb_gain)
    back = C.smoothstep(C.gamma_compression(C.apply_ccm(back, p.cam2rgb)))
    np.testing.assert_allclose(back, image, atol=2e-5)

    flat = np.round(np.ones((10, 13, 3)) * np.array([0.2, 0.55, 0.8]) * 255) / 255  # odd width
    for img in (flat, image):
        raw = C.unprocess(img, p)
        assert raw.shape == img.shape[:2]
        out = C.finish(C.process(raw, p.red_gain, p.blue_gain, p.cam2rgb, p.rgb_gain))
        inner = (slice(2, -2), slice(2, -2))  # demosaicing extrapolates at the border
        levels = np.abs(out[inner] - img[inner]) * 255
        if img is flat:
            assert levels.max() < 1e-3
        else:  # rounding, and rarely one more level of interpolation error
            assert levels.max() <= 2 + 1e-3 and (levels > 1 + 1e-3).mean() < 1e-3
            assert levels.mean() < 0.3


def test_ccm_gains_and_noise_levels_follow_the_paper():
    draws = [_params(s) for s in range(300)]
    for p in draws[:20]:
        np.testing.assert_allclose(p.rgb2cam.sum(axis=1), 1.0, atol=1e-12)  # white stays white
        np.testing.assert_allclose(p.rgb2cam @ p.cam2rgb, np.eye(3), atol=1e-9)
    red = np.array([p.red_gain for p in draws])
    blue = np.array([p.blue_gain for p in draws])
    assert red.min() >= 1.9 and red.max() <= 2.4 and blue.min() >= 1.5 and blue.max() <= 1.9
    assert np.mean([1 / p.rgb_gain for p in draws]) == pytest.approx(0.8, abs=0.02)
    shot = np.array([p.shot for p in draws])
    read = np.array([p.read for p in draws])
    assert shot.min() >= 1e-4 and shot.max() <= 0.012
    residual = np.log(read) - (2.18 * np.log(shot) + 1.20)  # the paper's line in log space
    assert abs(residual.mean()) < 0.05 and residual.std() == pytest.approx(0.26, rel=0.15)


@pytest.mark.parametrize("level", [0.02, 0.3])
def test_raw_noise_has_the_variance_of_the_model(level):
    shot, read = 0.01, 2e-4
    flat = np.full((400, 400), level)
    noisy = C.add_noise(flat, shot, read, np.random.default_rng(0))
    assert noisy.mean() == pytest.approx(level, abs=3e-4)
    assert noisy.var() == pytest.approx(shot * level + read, rel=0.03)
    # recorded darker afterwards: signal and noise scale together
    dark = C.underexpose(noisy, 0.25)
    assert dark.var() == pytest.approx(0.25**2 * (shot * level + read), rel=0.03)
    with pytest.raises(ValueError, match="shot"):
        C.add_noise(flat, -1.0, read, np.random.default_rng(0))


def test_a_seed_gives_the_same_pair_twice():
    img = _smooth(3, side=48)
    a = C.synthesize_camera_low_light(img, seed=7)
    b = C.synthesize_camera_low_light(img, seed=7)
    c = C.synthesize_camera_low_light(img, seed=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.dtype == np.float32 and a.shape == img.shape
    np.testing.assert_allclose(a * 255, np.round(a * 255), atol=1e-4)  # 8-bit levels
    assert a.mean() < 0.6 * img.mean()


def test_illumination_field_is_smooth_and_within_its_range():
    rng = np.random.default_rng(0)
    for shape in ((60, 90), (101, 57)):
        half_diag = np.hypot(*shape) / 2
        for _ in range(25):
            p = C.random_camera_params(rng)
            f = C.illumination_field(shape, p.lamp_xy, p.lamp_height, p.ambient, p.vignetting)
            corner = 1 / (1 + 1 / p.vignetting**2) ** 2  # cos^4 falloff at the corners
            assert f.shape == shape and f.max() <= 1 + 1e-6
            assert f.min() >= p.ambient * corner - 1e-6
            gy, gx = np.gradient(f.astype(np.float64))
            slope = np.hypot(gx, gy).max() * half_diag  # per half-diagonal
            assert slope <= C.illumination_slope_bound(p.lamp_height, p.ambient, p.vignetting)
    # a low lamp makes a bright spot: the field varies, it is not a global scale
    spot = C.illumination_field((64, 64), (0.0, 0.0), 0.3, 0.2, 3.0)
    assert spot.max() > 3 * spot.min()
    with pytest.raises(ValueError, match="lamp_height"):
        C.illumination_field((8, 8), (0, 0), 0.0, 0.2, 2.0)


def test_measured_white_balance_misses_when_the_light_or_the_scene_is_coloured():
    p = _params(4)
    grey = C.unprocess(np.full((40, 40, 3), 0.5), p)
    field = np.ones(grey.shape)
    true = np.array([p.red_gain, p.blue_gain])

    def measured(raw, light):
        return np.array(C.gray_world_gains(C.relight(raw, field, C.light_in_camera(light,
                                                                                   p.rgb2cam))))
    # a grey scene under sRGB's white: gray world finds the camera's true gains
    np.testing.assert_allclose(measured(grey, "daylight (D65)"), true, rtol=0.01)
    # under tungsten it measures the light instead: far from the true gains
    tungsten = measured(grey, "tungsten (A)")
    assert np.abs(tungsten / true - 1).max() > 0.3
    # an orange scene under white light fools it too (the scene's colour is not the light's)
    orange = C.unprocess(np.full((40, 40, 3), 0.5) * np.array([1.0, 0.6, 0.3]), p)
    assert np.abs(measured(orange, "daylight (D65)") / true - 1).max() > 0.2
    lo, hi = C.AWB_GAIN_RANGE
    assert all(lo <= g <= hi for g in tungsten)


def test_stages_and_options():
    img = _smooth(5, side=40)
    out, st = C.synthesize_camera_low_light(img, seed=1, light="tungsten (A)", shot=1e-3,
                                            read=1e-6, return_stages=True)
    assert st["params"].light == "tungsten (A)" and st["params"].shot == 1e-3
    assert st["raw"].shape == st["noisy"].shape == st["field"].shape == img.shape[:2]
    assert st["demosaiced"].shape == img.shape
    assert st["measured_gains"] != st["true_gains"]
    jpeg = C.synthesize_camera_low_light(img, seed=1, jpeg_quality=30)
    assert not np.array_equal(jpeg, C.synthesize_camera_low_light(img, seed=1))
    with pytest.raises(ValueError, match="unknown light"):
        C.synthesize_camera_low_light(img, seed=0, light="candle")
    with pytest.raises(ValueError, match="shape"):
        C.synthesize_camera_low_light(img[..., 0], seed=0)
    with pytest.raises(ValueError, match="exposure"):
        C.underexpose(st["raw"], 1.5)
    with pytest.raises(ValueError, match="jpeg_quality"):
        C.finish(img, jpeg_quality=0)


def test_a_global_curve_no_longer_undoes_it():
    """The exposure model is one brightness scale: rescaling its output to the reference's
    mean comes close; the camera model's uneven, coloured light does not scale back."""
    from lowlight_utils.data.degradations import synthesize_low_light
    from lowlight_utils.metrics import psnr

    img = _smooth(6, side=96, lo=0.1, hi=0.9)

    def gt_mean(low):
        return psnr(np.clip(low * img.mean() / low.mean(), 0, 1), img)

    old = np.mean([gt_mean(synthesize_low_light(img, seed=s)) for s in range(4)])
    new = np.mean([gt_mean(C.synthesize_camera_low_light(img, seed=s)) for s in range(4)])
    assert new < old - 3
