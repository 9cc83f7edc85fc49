"""show_labelled: named images in rows, optionally one image pixel per figure pixel."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from lowlight_utils.notebook.plotting import show_labelled  # noqa: E402


def test_show_labelled_titles_each_image_and_wraps_rows():
    imgs = {f"m{i}": np.full((10, 12, 3), i / 7, np.float32) for i in range(7)}
    fig = show_labelled(imgs, columns=3)
    titled = [ax.get_title() for ax in fig.axes if ax.images]
    assert titled == list(imgs) and len(fig.axes) == 9  # 3 rows of 3, two left empty
    plt.close(fig)


def test_show_labelled_one_to_one_shows_pixels_as_they_are():
    imgs = {"a": np.zeros((40, 60, 3)), "b": np.ones((40, 60, 3)), "c": np.zeros((40, 60))}
    fig = show_labelled(imgs, columns=2, one_to_one=True, dpi=100)
    fig.canvas.draw()
    for ax in fig.axes[:3]:
        box = ax.get_window_extent()
        assert round(box.width) == 60 and round(box.height) == 40
    plt.close(fig)
    with pytest.raises(ValueError, match="one size"):
        show_labelled({"a": np.zeros((4, 4, 3)), "b": np.zeros((5, 4, 3))}, one_to_one=True)
    with pytest.raises(ValueError, match="no images"):
        show_labelled({})
