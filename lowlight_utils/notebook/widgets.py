"""Sliders where looking beats reading, with a static figure wherever sliders cannot run.

An :class:`Explorer` shows as sliders over a redrawn figure in a front end that runs widgets
(JupyterLab, Notebook 7, VS Code, Colab) and as a static grid of a few settings everywhere
else: it hands the front end one output holding both, the widget view and a PNG, and a
front end picks the richest it can show. nbconvert's HTML export skips a widget view whose
state was not saved and falls back to the PNG, and nbval executes the same code either way.
Without ipywidgets installed, only the PNG is offered.

The drawing functions (:func:`draw_low_light`, :func:`draw_curves`) are ordinary matplotlib
code that draws one setting into a row of axes; the sliders and the static grid both call
them, and the unit tests call them directly.
"""

from __future__ import annotations

import base64
import dataclasses
import io
from collections.abc import Callable, Mapping, Sequence

import numpy as np


@dataclasses.dataclass(frozen=True)
class Slider:
    """One slider: ``(low, high, step, start)``; a float slider, or an int one if all ints.

    ``log=True`` makes a float slider logarithmic (base 10), for exposures and noise levels.
    """

    low: float
    high: float
    step: float
    start: float
    description: str = ""
    log: bool = False

    def widget(self, name: str):
        import ipywidgets as w

        label = self.description or name
        if self.log:
            return w.FloatLogSlider(value=self.start, base=10, min=np.log10(self.low),
                                    max=np.log10(self.high), step=self.step,
                                    description=label, continuous_update=False)
        if all(float(v).is_integer() for v in (self.low, self.high, self.step, self.start)):
            return w.IntSlider(value=int(self.start), min=int(self.low), max=int(self.high),
                               step=int(self.step), description=label,
                               continuous_update=False)
        return w.FloatSlider(value=self.start, min=self.low, max=self.high, step=self.step,
                             description=label, continuous_update=False)


class Explorer:
    """An interactive figure with a static fallback.

    Parameters
    ----------
    draw : callable
        ``draw(axes, **settings)`` draws one setting into a sequence of ``panels`` axes.
    sliders : dict of str to Slider
        The keyword arguments of ``draw`` that get a slider.
    static : sequence of dict
        The settings shown, one row each, in the static figure.
    panels : int
        Axes per setting.
    size : float
        Inches per panel.
    """

    def __init__(self, draw: Callable, sliders: Mapping[str, Slider],
                 static: Sequence[Mapping], panels: int = 1, size: float = 3.0):
        if not static:
            raise ValueError("an Explorer needs at least one static setting to fall back on")
        unknown = {k for s in static for k in s} - set(sliders)
        if unknown:
            raise ValueError(f"static settings name no slider: {sorted(unknown)}")
        self.draw, self.sliders, self.panels, self.size = draw, dict(sliders), panels, size
        self.static = [{**{k: s.start for k, s in self.sliders.items()}, **dict(row)}
                       for row in static]

    def figure(self, settings: Sequence[Mapping]):
        """A new matplotlib figure with one row of panels per setting in ``settings``."""
        import matplotlib.pyplot as plt

        rows = len(settings)
        fig, axes = plt.subplots(rows, self.panels, squeeze=False,
                                 figsize=(self.size * self.panels, 0.85 * self.size * rows))
        for row, setting in zip(axes, settings, strict=True):
            self.draw(list(row), **setting)
        fig.tight_layout()
        return fig

    def png(self, settings: Sequence[Mapping], dpi: int = 80) -> bytes:
        """:meth:`figure` as PNG bytes (the figure is closed afterwards)."""
        import matplotlib.pyplot as plt

        fig = self.figure(settings)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        plt.close(fig)
        return buf.getvalue()

    def static_figure(self):
        """The fallback: one row of panels per static setting (a new matplotlib figure)."""
        return self.figure(self.static)

    def static_png(self) -> bytes:
        """The static figure as PNG bytes."""
        return self.png(self.static)

    def widget(self):
        """Sliders above an image of the current setting, or None without ipywidgets.

        The image is an ``ipywidgets.Image`` whose PNG is redrawn when a slider moves, so
        building the widget writes nothing to the cell's output: where no front end runs
        widgets, only the static fallback is seen.
        """
        try:
            import ipywidgets
        except ImportError:
            return None
        controls = {name: s.widget(name) for name, s in self.sliders.items()}
        image = ipywidgets.Image(format="png")

        def redraw(change=None):
            image.value = self.png([{k: c.value for k, c in controls.items()}], dpi=96)

        for control in controls.values():
            control.observe(redraw, names="value")
        redraw()
        box = ipywidgets.VBox([ipywidgets.HBox(list(controls.values())), image])
        box.controls, box.image = controls, image  # for tests and for scripting the sliders
        return box

    def _repr_mimebundle_(self, include=None, exclude=None):
        settings = "; ".join(", ".join(f"{k}={v:g}" for k, v in row.items())
                             for row in self.static)
        bundle = {"text/plain": f"static figure of {len(self.static)} settings: {settings}",
                  "image/png": base64.b64encode(self.static_png()).decode("ascii")}
        view = self.widget()
        if view is not None:
            widget_bundle = view._repr_mimebundle_()
            if isinstance(widget_bundle, tuple):
                widget_bundle = widget_bundle[0]
            mime = "application/vnd.jupyter.widget-view+json"
            if widget_bundle and mime in widget_bundle:
                bundle[mime] = widget_bundle[mime]
        return bundle


# --------------------------------------------------------------------------------------
# Notebook 01: exposure and sensor noise


def draw_low_light(axes, image: np.ndarray, exposure: float, full_well: float,
                   read_noise: float = 2.0, seed: int = 0) -> np.ndarray:
    """Darken ``image`` with :func:`~lowlight_utils.data.synthetic.synthesize_low_light` and show it.

    Three panels if ``axes`` has three: the low image as captured, the same scaled up to the
    clean image's mean (to see the noise), and the luminance histograms of both.

    Returns
    -------
    numpy.ndarray
        The low-light image drawn.
    """
    from ..data.synthetic import synthesize_low_light
    from ..metrics.colour import luminance

    low = synthesize_low_light(image, seed=seed, exposure=float(exposure),
                               full_well=float(full_well), read_noise=float(read_noise))
    scaled = np.clip(low * image.mean() / max(float(low.mean()), 1e-3), 0, 1)
    axes[0].imshow(low)
    axes[0].set_title(f"exposure {exposure:.3g}, full well {full_well:.0f} e-", fontsize=8)
    if len(axes) > 1:
        axes[1].imshow(scaled)
        axes[1].set_title(f"scaled up x{image.mean() / max(float(low.mean()), 1e-3):.0f}",
                          fontsize=8)
    for ax in axes[:2]:
        ax.axis("off")
    if len(axes) > 2:
        axes[2].hist(luminance(image).ravel(), bins=64, range=(0, 1), alpha=0.5,
                     label="clean")
        axes[2].hist(luminance(low).ravel(), bins=64, range=(0, 1), alpha=0.5, label="low")
        axes[2].set_yticks([])
        axes[2].set_title("luminance", fontsize=8)
        axes[2].legend(fontsize=7)
    return low


def low_light_explorer(image: np.ndarray, seed: int = 0) -> Explorer:
    """Sliders over exposure and sensor size (full well) for the synthetic darkening model.

    Fewer photo-electrons (a smaller ``full_well``) means more shot noise at the same
    brightness. The static fallback shows four settings.

    Used in notebook 01, section 'Going further'.

    Parameters
    ----------
    image : array_like, (H, W, 3), float in [0, 1]
        A normally exposed photograph, darkened by
        :func:`lowlight_utils.data.degradations.synthesize_low_light` at each setting.
    seed : int
        Seed of the noise, the same for every setting.

    Returns
    -------
    Explorer
        Displayed as sliders (exposure, full well, read noise) over three panels where
        ipywidgets is available, else as the static figure.

    Examples
    --------
    >>> explorer = low_light_explorer(np.full((8, 8, 3), 0.5))
    >>> sorted(explorer.sliders), len(explorer.static)
    (['exposure', 'full_well', 'read_noise'], 4)
    """
    image = np.asarray(image, np.float32)

    def draw(axes, exposure, full_well, read_noise):
        draw_low_light(axes, image, exposure, full_well, read_noise, seed=seed)

    return Explorer(
        draw,
        {"exposure": Slider(0.005, 1.0, 0.05, 0.05, "exposure", log=True),
         "full_well": Slider(100, 20000, 0.1, 2000, "full well", log=True),
         "read_noise": Slider(0.0, 10.0, 0.5, 2.0, "read noise")},
        static=[{"exposure": 0.1, "full_well": 2000}, {"exposure": 0.03, "full_well": 2000},
                {"exposure": 0.03, "full_well": 200}, {"exposure": 0.01, "full_well": 2000}],
        panels=3)


# --------------------------------------------------------------------------------------
# Notebook 04: the light-enhancement curve


def draw_curves(axes, image: np.ndarray, alpha: float, iterations: int) -> np.ndarray:
    """Draw ``LE(x) = x + alpha x (1 - x)`` applied ``iterations`` times, and its effect.

    First panel: the iterated curve against the identity. Second panel (if any): ``image``
    with that one curve applied to every pixel.

    Returns
    -------
    numpy.ndarray
        The enhanced image.
    """
    from ..zero_dce import le_curve

    x = np.linspace(0, 1, 256)
    y, out = x.copy(), np.asarray(image, np.float32)
    for _ in range(int(iterations)):
        y = le_curve(y, alpha)
        out = le_curve(out, alpha)
    axes[0].plot(x, x, color="grey", linestyle="--", linewidth=0.8)
    axes[0].plot(x, y)
    axes[0].set(xlim=(0, 1), ylim=(0, 1), xlabel="input", ylabel="output")
    axes[0].set_title(f"alpha {alpha:+.2f}, {int(iterations)} iteration(s)", fontsize=8)
    if len(axes) > 1:
        axes[1].imshow(np.clip(out, 0, 1))
        axes[1].set_title(f"mean {float(np.mean(out)):.2f} (input {float(np.mean(image)):.2f})",
                          fontsize=8)
        axes[1].axis("off")
    return out


def curve_explorer(image: np.ndarray) -> Explorer:
    """Sliders over the curve parameter ``alpha`` and the number of iterations.

    The static fallback shows four settings.

    Used in notebook 04, section 'Curves instead of pixels'.

    Parameters
    ----------
    image : array_like, (H, W, 3), float in [0, 1]
        A dark image, brightened by the curve in the second panel (:func:`draw_curves`).

    Returns
    -------
    Explorer
        Displayed as sliders over two panels (the curve, the image) where ipywidgets is
        available, else as the static figure.

    Examples
    --------
    >>> explorer = curve_explorer(np.full((8, 8, 3), 0.2))
    >>> sorted(explorer.sliders), len(explorer.static)
    (['alpha', 'iterations'], 4)
    """
    image = np.asarray(image, np.float32)

    def draw(axes, alpha, iterations):
        draw_curves(axes, image, alpha, iterations)

    return Explorer(
        draw,
        {"alpha": Slider(-1.0, 1.0, 0.05, 0.5, "alpha"),
         "iterations": Slider(1, 8, 1, 4, "iterations")},
        static=[{"alpha": 0.5, "iterations": 1}, {"alpha": 0.5, "iterations": 8},
                {"alpha": 1.0, "iterations": 8}, {"alpha": -0.5, "iterations": 4}],
        panels=2)


__all__ = ["Explorer", "Slider", "curve_explorer", "draw_curves", "draw_low_light",
           "low_light_explorer"]
