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

Inference is deterministic. By default the model runs with ``training=False`` (dropout off,
batch norm with its moving statistics); ``training=True`` runs it as pix2pix does at test
time (batch statistics of each image, dropout from a fixed seed), leaving the model unchanged. One ``tf.function`` with a shape-agnostic signature is traced
per model and reused, so repeated sizes never retrace.

One module per step: :mod:`.stride` (what size a model needs), :mod:`.images` (padding,
tiling, :func:`enhance_image`) and :mod:`.files` (:func:`enhance_files`,
:func:`enhance_folder`); everything is importable from here.
"""

from .files import EnhanceSummary, enhance_files, enhance_folder
from .images import (
    DEFAULT_OVERLAP,
    DEFAULT_TILE,
    MAX_PIXELS,
    TRAINING_MODE,
    enhance_image,
    pad_to_multiple,
)
from .stride import PROBE_SIZES, probe_size_multiple, size_multiple

__all__ = [
    "DEFAULT_OVERLAP",
    "DEFAULT_TILE",
    "MAX_PIXELS",
    "PROBE_SIZES",
    "TRAINING_MODE",
    "EnhanceSummary",
    "enhance_files",
    "enhance_folder",
    "enhance_image",
    "pad_to_multiple",
    "probe_size_multiple",
    "size_multiple",
]
