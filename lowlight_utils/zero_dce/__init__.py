"""Zero-DCE: brighten a photograph with pixel-wise curves learned without reference images.

Zero-DCE (Guo et al., CVPR 2020) does not predict pixels. A small network, DCE-Net, looks at
the dark image and predicts, for every pixel and colour channel, the parameter ``alpha`` of a
quadratic *light-enhancement curve*

    LE(x) = x + alpha * x * (1 - x),        alpha in [-1, 1],

which maps [0, 1] onto [0, 1], is monotonic, and brightens for ``alpha > 0`` (darkens for
``alpha < 0``). Applying eight such curves one after another (each with its own map) gives a
curve flexible enough to lift deep shadows while leaving highlights alone.

Sign convention: this module uses the paper's ``x + alpha * x * (1 - x)``. The official code
writes ``x + r * (x**2 - x)``, i.e. ``r = -alpha``; a network trained with one convention
works with the other after negating its last layer.

Training needs no normal-light references: four non-reference losses judge the output alone
(:func:`spatial_consistency_loss`, :func:`exposure_loss`, :func:`color_constancy_loss`,
:func:`illumination_smoothness_loss`), weighted 1 / 10 / 5 / 200 as in the official code's
``lowlight_train.py`` (``LOSS_WEIGHTS``). The paper writes some losses in other forms
(|Y - E| for exposure, squared channel differences for colour, (|grad x| + |grad y|)^2 for
smoothness); the course follows the official code, which is what produced the published
numbers. Not reproduced: the official Adam's coupled L2 weight decay of 1e-4 (Keras' decay is
decoupled, so it would not be the same thing; its effect is small).

:class:`ZeroDCE` wraps DCE-Net (79,416 parameters) in a ``keras.Model`` whose ``train_step``
uses only the low-light image; :class:`ZeroDCEPlusPlus` is the fast Zero-DCE++ variant
(10,561 parameters: depthwise-separable convolutions, one 3-channel curve map reused for
all eight steps, curves estimated on a copy downscaled by 12, the official test script's
factor, :data:`PAPER_DOWNSCALE`, and upsampled back).

Both models map an image batch in [0, 1] of any size to the enhanced batch in [0, 1]. At
inference the curve steps (and Zero-DCE++'s bilinear upsampling of the curve maps) run as one
XLA-fused kernel, so the full-resolution part reads each pixel once instead of ~30 times.

The code follows those ideas, one module each: :mod:`.curves` (the curve and its fused
inference kernels), :mod:`.networks` (DCE-Net, Zero-DCE++'s network), :mod:`.losses` (the
four losses), :mod:`.model` (the two ``keras.Model`` classes and their ``train_step``) and
:mod:`.method` (profile settings, the builder and ``METHODS`` for training). Everything is
importable from here, e.g. ``from lowlight_utils.zero_dce import dce_net, ZeroDCE``.
"""

from .curves import ITERATIONS, apply_curves, le_curve, upsample_bilinear
from .losses import (
    LOSS_WEIGHTS,
    PLUSPLUS_LOSS_WEIGHTS,
    SMOOTHNESS_NORMALIZATIONS,
    color_constancy_loss,
    exposure_loss,
    illumination_smoothness_loss,
    spatial_consistency_loss,
)
from .method import (
    ABLATIONS,
    GRAD_CLIP_NORM,
    METHODS,
    PROFILE_SETTINGS,
    build,
    build_plusplus,
)
from .model import AUTO_ESTIMATION_SIDE, PAPER_DOWNSCALE, ZeroDCE, ZeroDCEPlusPlus
from .networks import DCE_NET_MACS_PER_PIXEL, dce_net, dce_net_plusplus

__all__ = [
    "ABLATIONS",
    "AUTO_ESTIMATION_SIDE",
    "DCE_NET_MACS_PER_PIXEL",
    "GRAD_CLIP_NORM",
    "ITERATIONS",
    "LOSS_WEIGHTS",
    "METHODS",
    "PAPER_DOWNSCALE",
    "PLUSPLUS_LOSS_WEIGHTS",
    "PROFILE_SETTINGS",
    "SMOOTHNESS_NORMALIZATIONS",
    "ZeroDCE",
    "ZeroDCEPlusPlus",
    "apply_curves",
    "build",
    "build_plusplus",
    "color_constancy_loss",
    "dce_net",
    "dce_net_plusplus",
    "exposure_loss",
    "illumination_smoothness_loss",
    "le_curve",
    "spatial_consistency_loss",
    "upsample_bilinear",
]
