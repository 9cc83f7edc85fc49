"""Figures used across the notebooks: image grids, histograms, training curves.

Every function draws into a new matplotlib figure and returns it, so a notebook can show it
with ``plt.show()`` and a script can save it with ``fig.savefig``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..metrics.colour import luminance


def show_grid(rows: Sequence[Sequence[np.ndarray]], titles: Sequence[str] | None = None,
              row_labels: Sequence[str] | None = None, size: float = 2.6):
    """Show a grid of images: ``rows[i][j]`` in row i, column j.

    Used in every notebook, first in notebook 01, section 'The data'.

    Parameters
    ----------
    rows : list of lists of (H, W, 3) or (H, W) arrays in [0, 1]
    titles : list of str, optional
        Column titles.
    row_labels : list of str, optional
        Labels on the left of each row.
    size : float
        Inches per image.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per image, axes hidden; a missing or ``None`` image leaves its panel
        empty.
    """
    import matplotlib.pyplot as plt

    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(size * n_cols * 1.3, size * n_rows),
                             squeeze=False)
    for i, row in enumerate(rows):
        for j in range(n_cols):
            ax = axes[i][j]
            ax.axis("off")
            if j < len(row) and row[j] is not None:
                img = np.clip(np.asarray(row[j]), 0, 1)
                ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=1)
            if titles and i == 0 and j < len(titles):
                ax.set_title(titles[j], fontsize=9)
        if row_labels:
            axes[i][0].text(-0.04, 0.5, row_labels[i], transform=axes[i][0].transAxes,
                            ha="right", va="center", fontsize=9, rotation=90)
    fig.tight_layout()
    return fig


def show_labelled(images: Mapping[str, np.ndarray], columns: int = 5, size: float = 2.6,
                  one_to_one: bool = False, dpi: int = 100):
    """Show named images in rows of ``columns``, each with its name as title.

    Used in notebook 05, section 'Your own photograph'.

    Parameters
    ----------
    images : dict of str to (H, W, 3) or (H, W) arrays in [0, 1]
    columns : int
        Images per row.
    size : float
        Inches per image (ignored with ``one_to_one``).
    one_to_one : bool
        Size the figure so that, saved or shown at ``dpi``, one image pixel is one screen
        pixel (for crops: every method's pixels as they are). All images must then have
        the same size.
    dpi : int
        Dots per inch of the figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if not images:
        raise ValueError("show_labelled got no images")
    n_rows = -(-len(images) // columns)
    n_cols = min(columns, len(images))
    if one_to_one:
        shapes = {np.shape(img)[:2] for img in images.values()}
        if len(shapes) != 1:
            raise ValueError(f"one_to_one needs images of one size, got {sorted(shapes)}")
        (h, w), = shapes
        # 0.35 inch per row for the title; the axes fill the rest at one pixel per pixel
        figsize = (n_cols * w / dpi, n_rows * (h / dpi + 0.35))
    else:
        figsize = (size * n_cols, size * n_rows)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=figsize, dpi=dpi, squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, (label, img) in zip(axes.ravel(), images.items(), strict=False):
        img = np.clip(np.asarray(img), 0, 1)
        ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=1,
                  interpolation="nearest" if one_to_one else "antialiased")
        ax.set_title(label, fontsize=8)
    if one_to_one:
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1 - 0.35 / figsize[1],
                            wspace=0, hspace=0.35 / (h / dpi))
    else:
        fig.tight_layout()
    return fig


def luminance_histograms(images: Mapping[str, np.ndarray], bins: int = 64):
    """Overlay the luminance histograms of several images (e.g. low and high).

    Used in notebook 01, section 'The data'.

    Parameters
    ----------
    images : dict of str to (H, W, 3) arrays in [0, 1]
        Label -> image; each label's legend entry also gives its mean luminance.
    bins : int, default 64
        Histogram bins over [0, 1].

    Returns
    -------
    matplotlib.figure.Figure
        One axis of density curves of :func:`lowlight_utils.metrics.colour.luminance`.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    for label, img in images.items():
        y = luminance(img).ravel()
        ax.hist(y, bins=bins, range=(0, 1), histtype="step", density=True, linewidth=1.5,
                label=f"{label} (mean {y.mean():.2f})")
    ax.set_xlabel("luminance Y")
    ax.set_ylabel("density")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_history(history: Mapping[str, Sequence[float]], groups: Sequence[Sequence[str]] | None
                 = None, title: str = ""):
    """Plot training curves from a Keras ``History.history``-like dict.

    Used in notebook 02, section 'Training with checkpoints, resume and samples', and notebook 04,
    section 'Training'.

    Parameters
    ----------
    history : dict of name -> list of per-epoch values
    groups : list of lists of names, optional
        One panel per group (e.g. ``[["g_loss", "d_loss"], ["val_psnr"]]``); by default one
        panel per metric. A name missing from ``history`` is left out of its panel.
    title : str, optional
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per group, epochs counted from 1.
    """
    import matplotlib.pyplot as plt

    groups = groups or [[k] for k in history]
    fig, axes = plt.subplots(1, len(groups), figsize=(4.2 * len(groups), 3), squeeze=False)
    for ax, group in zip(axes[0], groups, strict=True):
        for name in group:
            if name in history:
                values = list(history[name])
                ax.plot(range(1, len(values) + 1), values, marker=".", label=name)
        ax.set_xlabel("epoch")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
