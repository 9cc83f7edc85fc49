"""The stride a model's input size must be divisible by: declared, read from its layers, or
found by probing."""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence

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
