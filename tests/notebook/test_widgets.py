"""The notebooks' sliders: drawing functions, the static fallback, and the widget output."""

from __future__ import annotations

import base64
import io

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from lowlight_utils.data.synthetic import synthesize_low_light  # noqa: E402
from lowlight_utils.notebook.widgets import (  # noqa: E402
    Explorer,
    Slider,
    curve_explorer,
    draw_curves,
    draw_low_light,
    low_light_explorer,
)
from lowlight_utils.zero_dce import le_curve  # noqa: E402

IMAGE = np.random.default_rng(0).random((24, 32, 3)).astype(np.float32)


def test_draw_curves_draws_the_iterated_curve_and_the_enhanced_image():
    fig, axes = plt.subplots(1, 2)
    out = draw_curves(list(axes), IMAGE, alpha=0.7, iterations=3)
    expected = le_curve(le_curve(le_curve(IMAGE, 0.7), 0.7), 0.7)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    x, y = axes[0].lines[-1].get_data()
    np.testing.assert_allclose(y, le_curve(le_curve(le_curve(x, 0.7), 0.7), 0.7))
    np.testing.assert_allclose(axes[1].images[0].get_array(), np.clip(expected, 0, 1))
    assert out.mean() > IMAGE.mean()  # alpha > 0 brightens
    plt.close(fig)


def test_draw_low_light_shows_the_synthetic_image_it_returns():
    fig, axes = plt.subplots(1, 3)
    low = draw_low_light(list(axes), IMAGE, exposure=0.05, full_well=500, seed=3)
    np.testing.assert_array_equal(
        low, synthesize_low_light(IMAGE, seed=3, exposure=0.05, full_well=500))
    np.testing.assert_array_equal(axes[0].images[0].get_array(), low)
    assert len(axes[2].patches) > 0  # the histograms
    plt.close(fig)


@pytest.mark.parametrize("explorer, rows", [(low_light_explorer(IMAGE), 4),
                                            (curve_explorer(IMAGE), 4)])
def test_static_fallback_is_a_png_of_every_setting_and_rides_with_the_widget(explorer, rows):
    png = explorer.static_png()
    assert Image.open(io.BytesIO(png)).size[1] > 100 * rows * 0.5
    bundle = explorer._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert f"{rows} settings" in bundle["text/plain"]
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"]
    widget = explorer.widget()
    labels = {c.description for c in widget.controls.values()}
    assert labels == {s.description or n for n, s in explorer.sliders.items()}
    assert bytes(widget.image.value).startswith(b"\x89PNG")


def test_moving_a_slider_redraws_the_widget_image():
    explorer = curve_explorer(IMAGE)
    widget = explorer.widget()
    before = widget.image.value
    widget.controls["iterations"].value = 8
    assert bytes(widget.image.value) != bytes(before)
    assert bytes(widget.image.value) == explorer.png([{"alpha": 0.5, "iterations": 8}], dpi=96)


def test_explorer_without_ipywidgets_offers_only_the_png(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import fails
    bundle = curve_explorer(IMAGE)._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "image/png"}


def test_explorer_rejects_static_settings_without_a_slider():
    with pytest.raises(ValueError, match="name no slider"):
        Explorer(lambda axes, a: None, {"a": Slider(0, 1, 0.1, 0.5)}, static=[{"b": 1}])
    with pytest.raises(ValueError, match="at least one"):
        Explorer(lambda axes, a: None, {"a": Slider(0, 1, 0.1, 0.5)}, static=[])


def test_integer_slider_for_iterations():
    import ipywidgets

    assert isinstance(Slider(1, 8, 1, 4).widget("n"), ipywidgets.IntSlider)
    assert isinstance(Slider(0.0, 1.0, 0.1, 0.5).widget("a"), ipywidgets.FloatSlider)
    assert isinstance(Slider(0.01, 1.0, 0.1, 0.1, log=True).widget("e"),
                      ipywidgets.FloatLogSlider)
