"""Enhancing whole photographs with a trained model: any size, padding, tiling, folders.

A network trained on 96- or 256-pixel crops is fully convolutional, so it can run on a
600x400 LOL image or a 12-megapixel phone photo, provided that

* the size is a multiple of the network's stride (``model.size_multiple``, 256 for the
  report's U-Net; for a model without that attribute, read from its down-sampling layers or
  found by probing, see :func:`size_multiple`): the image is reflect-padded up to it and the
  output cropped back;
* the activations fit in memory: above ``max_pixels`` the image is cut into overlapping
  tiles whose outputs are blended with weights that ramp down over the overlap, so no
  seam shows.

Inference is deterministic: the model runs with ``training=False`` (dropout off, batch norm
with its moving statistics). One ``tf.function`` with a shape-agnostic signature is traced
per model and reused, so repeated sizes never retrace.
"""

from __future__ import annotations

import dataclasses
import math
import os
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

#: Above this many pixels, :func:`enhance_image` tiles (a 2048 x 2048 image still runs whole).
MAX_PIXELS = 2048 * 2048
#: Default tile side when tiling, and default overlap between neighbouring tiles.
DEFAULT_TILE = 1024
DEFAULT_OVERLAP = 64

_ENHANCERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _reflect_indices(n, total):
    """Indices ``0 .. total-1`` folded into ``0 .. n-1`` by mirroring (edge not repeated)."""
    import tensorflow as tf

    i = tf.range(total)
    period = tf.maximum(2 * n - 2, 1)
    j = tf.math.floormod(i, period)
    return tf.where(j < n, j, period - j)


def pad_to_multiple(images, multiple: int):
    """Reflect-pad an NHWC batch at the bottom and right to a multiple of ``multiple``.

    Unlike ``tf.pad(mode="REFLECT")`` this works for any amount of padding (a 37-pixel
    image padded to 256 is mirrored back and forth), so tiny images are fine too.

    Parameters
    ----------
    images : tf.Tensor, (N, H, W, C)
    multiple : int

    Returns
    -------
    tf.Tensor, (N, H', W', C) with H', W' the next multiples of ``multiple``.

    Examples
    --------
    >>> pad_to_multiple(tf.zeros([1, 37, 53, 3]), 32).shape  # doctest: +SKIP
    TensorShape([1, 64, 64, 3])
    """
    import tensorflow as tf

    if multiple <= 1:
        return images
    h, w = tf.shape(images)[1], tf.shape(images)[2]
    th = (h + multiple - 1) // multiple * multiple
    tw = (w + multiple - 1) // multiple * multiple
    images = tf.gather(images, _reflect_indices(h, th), axis=1)
    return tf.gather(images, _reflect_indices(w, tw), axis=2)


#: Strides tried by :func:`probe_size_multiple`, smallest first.
PROBE_SIZES = tuple(2**k for k in range(11))

_MULTIPLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _is_graph_model(model) -> bool:
    """True for a functional or Sequential Keras model (its layers form the whole graph)."""
    return any(c.__name__ in ("Functional", "Sequential") for c in type(model).__mro__)


def _layer_strides(model) -> tuple[int, int]:
    """Product of the (height, width) strides of every down-sampling layer of a graph model.

    Convolutions and pooling layers with a stride above 1 count (transposed convolutions and
    up-sampling layers do not); nested models are walked too. For a chain of layers or a
    U-Net this is the network's stride exactly; for parallel down-sampling branches it is a
    multiple of it, which pads a little more than needed but is still correct.
    """
    from keras import layers

    sh = sw = 1
    for layer in model.layers:
        if _is_graph_model(layer):
            h, w = _layer_strides(layer)
        elif isinstance(layer, (layers.Conv2DTranspose, layers.UpSampling2D)):
            continue
        elif isinstance(layer, layers.Layer) and hasattr(layer, "strides"):
            strides = layer.strides
            h, w = (strides, strides) if isinstance(strides, int) else tuple(strides)[:2]
        else:
            continue
        sh, sw = sh * int(h), sw * int(w)
    return sh, sw


def probe_size_multiple(model, sizes: Sequence[int] = PROBE_SIZES) -> int:
    """The smallest side in ``sizes`` at which ``model`` returns an image of its input's size.

    For a model whose layers cannot be read (a subclassed ``keras.Model``): each candidate
    side ``s`` is tried on a ``(1, s, s, 3)`` batch of zeros, smallest first.

    Raises
    ------
    ValueError
        If no candidate works, with the last error or output shape seen.
    """
    import tensorflow as tf

    last = "no size tried"
    for s in sizes:
        try:
            out = model(tf.zeros([1, s, s, 3]), training=False)
        except Exception as err:  # noqa: BLE001 - any failure means "not this size"
            last = f"{type(err).__name__}: {str(err).splitlines()[0][:200]}"
            continue
        if tuple(out.shape[1:3]) == (s, s):
            return int(s)
        last = f"a {s}x{s} input gave an output of shape {tuple(out.shape)}"
    raise ValueError(
        f"cannot find an input size that {getattr(model, 'name', model)!r} maps to an image "
        f"of the same size (tried sides {list(sizes)}; last: {last}); set "
        "model.size_multiple to the stride its inputs must be divisible by"
    )


def size_multiple(model) -> int:
    """The stride an input's height and width must be divisible by.

    ``model.size_multiple`` when the model sets it (the course's methods do). Otherwise the
    product of the strides of a functional or Sequential model's down-sampling layers (see
    :func:`_layer_strides`), or, for any other model, the smallest power of two at which it
    returns an image of its input's size (:func:`probe_size_multiple`). Inferred values are
    cached per model.

    Examples
    --------
    >>> size_multiple(unet_generator(image_size=None, depth=5))  # doctest: +SKIP
    32
    """
    explicit = getattr(model, "size_multiple", None)
    if explicit:
        return max(1, int(explicit))
    cached = _MULTIPLES.get(model)
    if cached is None:
        if _is_graph_model(model):
            sh, sw = _layer_strides(model)
            cached = math.lcm(sh, sw)
        else:
            cached = probe_size_multiple(model)
        _MULTIPLES[model] = cached
    return cached


def _enhancer(model):
    """The cached traced function ``batch -> enhanced batch`` of ``model``."""
    fn = _ENHANCERS.get(model)
    if fn is not None:
        return fn
    import tensorflow as tf

    ref = weakref.ref(model)  # the cache must not keep the model alive
    multiple = size_multiple(model)

    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32)])
    def enhance(batch):
        h, w = tf.shape(batch)[1], tf.shape(batch)[2]
        out = ref()(pad_to_multiple(batch, multiple), training=False)
        return tf.clip_by_value(out[:, :h, :w, :], 0.0, 1.0)

    _ENHANCERS[model] = enhance
    return enhance


def _starts(length: int, tile: int, overlap: int) -> list[int]:
    if length <= tile:
        return [0]
    step = tile - overlap
    return sorted(set(range(0, length - tile, step)) | {length - tile})


def _ramp(length: int, overlap: int) -> np.ndarray:
    """Blending weights along one side of a tile: raised-cosine ramps over the overlap.

    Near 0 at the tile's edge (where its padding-affected pixels are), 1 inside, never
    exactly 0 so that image borders covered by one tile only are still defined.
    """
    i = np.arange(length, dtype=np.float64)
    d = np.minimum(i, length - 1 - i) + 0.5  # distance to the nearest tile edge
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.minimum(d / max(overlap, 1), 1.0))
    return np.maximum(ramp, 1e-6).astype(np.float32)


def _tiled(fn, image: np.ndarray, tile: int, overlap: int) -> np.ndarray:
    h, w, c = image.shape
    acc = np.zeros((h, w, c), np.float32)
    weight = np.zeros((h, w, 1), np.float32)
    for y in _starts(h, tile, overlap):
        for x in _starts(w, tile, overlap):
            patch = image[y : y + tile, x : x + tile]
            out = fn(patch[None])[0].numpy()
            win = np.outer(_ramp(patch.shape[0], overlap), _ramp(patch.shape[1], overlap))
            acc[y : y + tile, x : x + tile] += out * win[..., None]
            weight[y : y + tile, x : x + tile] += win[..., None]
    return acc / weight


def _check_image(image) -> np.ndarray:
    arr = np.asarray(image)
    if arr.dtype == np.uint8 or arr.dtype == np.uint16:
        raise ValueError(
            f"expected a float image in [0, 1], got {arr.dtype}; use lowlight_utils.data."
            "load_image or divide by the maximum value"
        )
    arr = arr.astype(np.float32, copy=False)
    if arr.ndim not in (3, 4) or arr.shape[-1] != 3:
        raise ValueError(f"expected an (H, W, 3) or (N, H, W, 3) image, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError("image contains NaN or infinite values")
    if arr.size and (arr.min() < -1e-3 or arr.max() > 1.0 + 1e-3):
        raise ValueError(
            f"image values must be in [0, 1], found [{arr.min():.3g}, {arr.max():.3g}]"
        )
    return arr


def enhance_image(
    model,
    image,
    tile: int | None = None,
    overlap: int = DEFAULT_OVERLAP,
    max_pixels: int = MAX_PIXELS,
) -> np.ndarray:
    """Enhance an image of any size at full resolution.

    Parameters
    ----------
    model : keras.Model
        Maps a batch in [0, 1] to a batch in [0, 1] of the same size, once the size is a
        multiple of its stride (:func:`size_multiple`: ``model.size_multiple`` if set, else
        inferred from its layers or by probing), which the image is padded to.
    image : array_like, (H, W, 3) or (N, H, W, 3)
        Float in [0, 1].
    tile : int, optional
        Tile side. Default: no tiling up to ``max_pixels`` pixels, tiles of
        ``DEFAULT_TILE`` above. Rounded down to a multiple of the model's stride (at least
        one stride).
    overlap : int
        Pixels shared by neighbouring tiles, blended linearly.
    max_pixels : int
        Images with more pixels than this are tiled when ``tile`` is None.

    Returns
    -------
    numpy.ndarray
        Float32 in [0, 1], the shape of ``image``.

    Examples
    --------
    >>> out = enhance_image(model, load_image("dark.png"))  # doctest: +SKIP
    >>> out.shape == load_image("dark.png").shape  # doctest: +SKIP
    True
    """
    arr = _check_image(image)
    batch = arr if arr.ndim == 4 else arr[None]
    fn = _enhancer(model)
    multiple = size_multiple(model)
    outs = []
    for img in batch:
        h, w = img.shape[:2]
        side = tile if tile is not None else (DEFAULT_TILE if h * w > max_pixels else None)
        if side is None or (h <= side and w <= side):
            outs.append(fn(img[None])[0].numpy())
            continue
        side = max(multiple, side // multiple * multiple)
        if not 0 <= overlap < side:
            raise ValueError(f"overlap must be in [0, tile), got {overlap} with tile {side}")
        outs.append(_tiled(fn, img, side, overlap))
    out = np.stack(outs).astype(np.float32)
    return out if arr.ndim == 4 else out[0]


# --------------------------------------------------------------------------------------
# Files and folders


@dataclasses.dataclass
class EnhanceSummary:
    """What :func:`enhance_folder` / :func:`enhance_files` did.

    Attributes
    ----------
    written : list of Path
        Output files written.
    failed : dict of Path -> str
        Inputs that could not be processed, with the reason.
    """

    written: list[Path] = dataclasses.field(default_factory=list)
    failed: dict[Path, str] = dataclasses.field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every input was enhanced."""
        return not self.failed

    def __str__(self) -> str:
        lines = [f"{len(self.written)} image(s) written, {len(self.failed)} failed"]
        lines += [f"  could not process {p}: {why}" for p, why in self.failed.items()]
        return "\n".join(lines)


def _is_within(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _as_function(model) -> Callable[[np.ndarray], np.ndarray]:
    """A keras model goes through :func:`enhance_image`; any other callable is used as is."""
    import keras

    if isinstance(model, keras.Model):
        return lambda img: enhance_image(model, img)
    if callable(model):
        return model
    raise TypeError(f"expected a keras.Model or a function image -> image, got {type(model)}")


def enhance_files(
    model,
    files: Sequence[str | os.PathLike],
    out_dir: str | os.PathLike,
    overwrite: bool = False,
    progress: bool = True,
    protected: Sequence[str | os.PathLike] = (),
) -> EnhanceSummary:
    """Enhance image files into ``out_dir`` as ``<stem>.png``.

    Parameters
    ----------
    model : keras.Model or callable
        A model (run by :func:`enhance_image`) or a function image -> image such as the
        entries of ``lowlight_utils.baselines.BASELINES``.
    files : sequence of paths
    out_dir : path
        Created if needed. Must not be a folder holding any of the inputs, nor lie inside
        one of ``protected``.
    overwrite : bool
        Existing outputs are an error unless True (checked before any work is done).
    progress : bool
        Show a progress bar.
    protected : sequence of paths
        Folders that must not be written into (the input folders).

    Returns
    -------
    EnhanceSummary
        Unreadable inputs are listed in ``failed``; the others are still processed.

    Raises
    ------
    ValueError
        If ``out_dir`` is an input folder or inside a protected one, or two inputs share a
        file stem (they would write the same output).
    FileExistsError
        If outputs exist and ``overwrite`` is False; names them.
    """
    from .data import load_image, save_image

    out_dir = Path(out_dir)
    files = [Path(f) for f in files]
    for folder in map(Path, protected):
        if _is_within(out_dir, folder):
            raise ValueError(
                f"refusing to write into the input folder {folder}: choose an output folder "
                f"outside it (got {out_dir})"
            )
    for folder in {f.parent for f in files}:
        if out_dir.resolve() == folder.resolve():
            raise ValueError(
                f"refusing to write next to the inputs in {folder}: choose another output folder"
            )
    targets: dict[Path, Path] = {}
    for f in files:
        target = out_dir / f"{f.stem}.png"
        if target in targets.values():
            other = next(k for k, v in targets.items() if v == target)
            raise ValueError(f"{other} and {f} would both be written to {target}")
        targets[f] = target
    existing = [t for t in targets.values() if t.exists()]
    if existing and not overwrite:
        names = ", ".join(str(t) for t in existing[:5]) + (" ..." if len(existing) > 5 else "")
        raise FileExistsError(
            f"{len(existing)} output(s) already exist ({names}); pass overwrite=True "
            "(--overwrite) to replace them"
        )
    fn = _as_function(model)
    summary = EnhanceSummary()
    bar = _progress(len(files)) if progress else None
    for i, (src, dst) in enumerate(targets.items()):
        try:
            out = fn(load_image(src))
            summary.written.append(save_image(dst, out, overwrite=overwrite))
        except (ValueError, OSError) as err:  # DatasetError is a ValueError
            summary.failed[src] = str(err)
        if bar is not None:
            bar.update(i + 1)
    return summary


def _progress(total: int):
    import keras

    return keras.utils.Progbar(total, unit_name="image")


def enhance_folder(
    model,
    in_dir: str | os.PathLike,
    out_dir: str | os.PathLike,
    overwrite: bool = False,
    progress: bool = True,
) -> EnhanceSummary:
    """Enhance every image in ``in_dir`` (not recursive) into ``out_dir``.

    Files that are not images by extension (``.txt``, hidden files) are skipped; image files
    that cannot be decoded are named in the summary and the rest are still processed.

    Parameters
    ----------
    model : keras.Model or callable
    in_dir : path
        Never written into.
    out_dir : path
        Must not be ``in_dir`` or inside it.
    overwrite : bool
        Replace existing outputs (otherwise an error before anything is written).
    progress : bool

    Returns
    -------
    EnhanceSummary

    Raises
    ------
    FileNotFoundError
        If ``in_dir`` does not exist.
    ValueError
        If ``out_dir`` is ``in_dir`` or inside it.
    FileExistsError
        If outputs exist and ``overwrite`` is False.

    Examples
    --------
    >>> summary = enhance_folder(model, "photos", "photos_enhanced")  # doctest: +SKIP
    >>> print(summary)  # doctest: +SKIP
    12 image(s) written, 0 failed
    """
    from .data import is_image_file

    in_dir = Path(in_dir)
    if not in_dir.is_dir():
        raise FileNotFoundError(f"input folder does not exist: {in_dir}")
    files = sorted(p for p in in_dir.iterdir() if is_image_file(p))
    return enhance_files(model, files, out_dir, overwrite, progress, protected=[in_dir])
