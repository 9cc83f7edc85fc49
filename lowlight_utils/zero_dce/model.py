"""Zero-DCE and Zero-DCE++ as ``keras.Model`` subclasses whose ``train_step`` needs no reference."""

from __future__ import annotations

import keras
import tensorflow as tf

from ..metrics.window import ssim_tf
from . import losses
from .curves import (
    ITERATIONS,
    _fused_enhance,
    _fused_upsample_enhance,
    apply_curves,
    upsample_bilinear,
)
from .losses import LOSS_WEIGHTS, PLUSPLUS_LOSS_WEIGHTS, SMOOTHNESS_NORMALIZATIONS
from .networks import dce_net, dce_net_plusplus

#: Zero-DCE++ with ``downscale="auto"`` estimates curves with the longest side near this.
AUTO_ESTIMATION_SIDE = 100

#: Zero-DCE++'s curve-estimation factor at test time: ``scale_factor = 12`` in the official
#: ``Zero-DCE++/lowlight_test.py`` (Li-Chongyi/Zero-DCE_extension), for every image.
PAPER_DOWNSCALE = 12

_LOSS_NAMES = ("smoothness", "spatial", "color", "exposure")


def _low_image(data):
    """The low-light image of a batch: ``(low, high)``, ``(low,)`` or just ``low``."""
    return data[0] if isinstance(data, (tuple, list)) else data


@keras.saving.register_keras_serializable(package="lowlight_utils")
class ZeroDCE(keras.Model):
    """Zero-DCE as a ``keras.Model``: DCE-Net + curves, trained with the four losses.

    Calling the model maps images in [0, 1] (any size) to enhanced images in [0, 1].
    ``fit`` uses only the low-light image of each ``(low, high)`` batch and reports the total
    loss and each unweighted term (``smoothness_loss``, ``spatial_loss``, ``color_loss``,
    ``exposure_loss``); validation also reports ``psnr`` and ``ssim`` against the reference.

    Taught in notebook 04, section 'Training' (built by :func:`~lowlight_utils.zero_dce.build`).

    Parameters
    ----------
    filters : int
        DCE-Net width (32 in the paper).
    iterations : int
        Number of curve steps (8).
    loss_weights : dict, optional
        Overrides of ``LOSS_WEIGHTS``; a weight of 0 drops that loss (the paper's ablation).
    smoothness_normalization : {"official", "keras-example"}
        See :func:`illumination_smoothness_loss`.
    exposure_target : float
        E of the exposure loss (0.6).
    exposure_patch : int
        Block size of the exposure loss (16).
    fused_inference : bool
        Run the curve steps as one XLA kernel at inference (``training=False``).

    References
    ----------
    C. Guo, C. Li, J. Guo, C. C. Loy, J. Hou, S. Kwong and R. Cong, "Zero-Reference Deep Curve
    Estimation for Low-Light Image Enhancement", CVPR 2020: the curves (section 3.1), DCE-Net
    (3.2) and the four losses (3.3); official code github.com/Li-Chongyi/Zero-DCE,
    ``Zero-DCE_code/lowlight_train.py`` (the loss weights).

    Examples
    --------
    >>> model = ZeroDCE()
    >>> model(tf.zeros([1, 37, 53, 3])).shape
    TensorShape([1, 37, 53, 3])
    """

    #: The network has no pooling: any input size works unpadded.
    size_multiple = 1
    default_loss_weights = LOSS_WEIGHTS

    def __init__(
        self,
        filters: int = 32,
        iterations: int = ITERATIONS,
        loss_weights: dict | None = None,
        smoothness_normalization: str = "official",
        exposure_target: float = 0.6,
        exposure_patch: int = 16,
        fused_inference: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        # Images enter and curves are applied in float32 under any policy; under mixed float16
        # only the network's hidden layers compute in float16 (they cast for themselves).
        self.autocast = False
        unknown = set(loss_weights or {}) - set(_LOSS_NAMES)
        if unknown:
            raise ValueError(f"unknown loss names {sorted(unknown)}; use {_LOSS_NAMES}")
        if smoothness_normalization not in SMOOTHNESS_NORMALIZATIONS:
            raise ValueError(
                f"smoothness_normalization must be one of {SMOOTHNESS_NORMALIZATIONS}, "
                f"got {smoothness_normalization!r}"
            )
        self.filters = filters
        self.iterations = iterations
        self.loss_weights = {**self.default_loss_weights, **(loss_weights or {})}
        self.smoothness_normalization = smoothness_normalization
        self.exposure_target = exposure_target
        self.exposure_patch = exposure_patch
        self.fused_inference = fused_inference
        self.net = self._make_network()
        self.built = True  # the network has its weights already; nothing depends on input shape
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("loss", *(f"{k}_loss" for k in _LOSS_NAMES), "psnr", "ssim")
        }

    def _make_network(self) -> keras.Model:
        return dce_net(self.filters, self.iterations)

    def build(self, input_shape=None):
        """Nothing to do: the network is built on creation, for any input shape."""
        self.built = True

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            filters=self.filters,
            iterations=self.iterations,
            loss_weights=dict(self.loss_weights),
            smoothness_normalization=self.smoothness_normalization,
            exposure_target=self.exposure_target,
            exposure_patch=self.exposure_patch,
            fused_inference=self.fused_inference,
        )
        return config

    # -- forward -----------------------------------------------------------------------

    def estimate_curves(self, images, training: bool = False):
        """Curve maps at the images' resolution, ``(N, H, W, 3 * iterations)``."""
        return self.net(images, training=training)

    def enhance_with(self, images, curves):
        """Apply this model's curve maps to ``images`` (the differentiable path)."""
        return apply_curves(images, curves)

    def call(self, inputs, training: bool = False):
        images = tf.convert_to_tensor(inputs, tf.float32)
        curves = self.estimate_curves(images, training=training)
        if self.fused_inference and not training:
            return _fused_enhance(images, curves)
        return self.enhance_with(images, curves)

    # -- losses ------------------------------------------------------------------------

    def loss_terms(self, low, curves, enhanced) -> dict:
        """The four unweighted losses for one batch, keyed by name."""
        return {
            "smoothness": losses.illumination_smoothness_loss(
                curves, self.smoothness_normalization),
            "spatial": losses.spatial_consistency_loss(low, enhanced),
            "color": losses.color_constancy_loss(enhanced),
            "exposure": losses.exposure_loss(enhanced, self.exposure_target,
                                             self.exposure_patch),
        }

    def total_loss(self, terms: dict):
        """``sum(weight * term)`` with this model's ``loss_weights``."""
        return tf.add_n([self.loss_weights[k] * terms[k] for k in _LOSS_NAMES])

    def _forward_losses(self, low, training: bool):
        curves = self.estimate_curves(low, training=training)
        enhanced = self.enhance_with(low, curves)
        terms = self.loss_terms(low, curves, enhanced)
        return enhanced, terms, self.total_loss(terms)

    # -- fit / evaluate ----------------------------------------------------------------

    @property
    def metrics(self):
        return list(self.trackers.values())

    def _record(self, total, terms) -> None:
        self.trackers["loss"].update_state(total)
        for k in _LOSS_NAMES:
            self.trackers[f"{k}_loss"].update_state(terms[k])

    def _results(self, names) -> dict:
        return {n: self.trackers[n].result() for n in names}

    def train_step(self, data):
        low = tf.convert_to_tensor(_low_image(data), tf.float32)
        with tf.GradientTape() as tape:
            _, terms, total = self._forward_losses(low, training=True)
            # Under mixed float16 compile() wrapped the optimizer in a LossScaleOptimizer:
            # scale_loss multiplies by the loss scale and apply_gradients divides it out.
            scaled = self.optimizer.scale_loss(total)
        variables = self.net.trainable_variables
        grads = tape.gradient(scaled, variables)
        self.optimizer.apply_gradients(zip(grads, variables, strict=True))
        self._record(total, terms)
        return self._results(["loss", *(f"{k}_loss" for k in _LOSS_NAMES)])

    def test_step(self, data):
        low = tf.convert_to_tensor(_low_image(data), tf.float32)
        enhanced, terms, total = self._forward_losses(low, training=False)
        self._record(total, terms)
        names = ["loss", *(f"{k}_loss" for k in _LOSS_NAMES)]
        if isinstance(data, (tuple, list)) and len(data) > 1:
            high = tf.convert_to_tensor(data[1], tf.float32)
            enhanced = tf.clip_by_value(enhanced, 0.0, 1.0)  # what calling the model returns
            self.trackers["psnr"].update_state(tf.image.psnr(enhanced, high, max_val=1.0))
            self.trackers["ssim"].update_state(ssim_tf(enhanced, high))
            names += ["psnr", "ssim"]
        return self._results(names)


@keras.saving.register_keras_serializable(package="lowlight_utils")
class ZeroDCEPlusPlus(ZeroDCE):
    """Zero-DCE++: a 10,561-parameter network run on a downscaled copy, one curve map.

    The network sees the input downscaled by ``downscale`` (bilinear); its single 3-channel
    curve map is upsampled (bilinear) back to full resolution and applied ``iterations``
    times. Training follows the official code: full resolution (``train_downscale=1``) and a
    smoothness weight of 1600.

    Taught in notebook 04, section 'Zero-DCE++, the fast variant'.

    Parameters
    ----------
    downscale : int or "auto", default 12
        Factor for curve estimation at inference (:meth:`factor_for` says which one an
        image gets). The default is the official test script's fixed factor,
        :data:`PAPER_DOWNSCALE` = 12, for every image size, so scores compare with the
        paper's (the script also crops each image to a multiple of 12; here the
        downscaled size is rounded up instead and the curves are upsampled to the full
        image). ``"auto"`` is the course's variant: ``ceil(longest side / 100)``, 12 for
        1200x900, 6 for LOL's 600x400, 1 for a crop of at most 100 pixels, so small images
        keep a curve map of about 100 pixels. Name the factor beside any score.
    train_downscale : int
        Factor used by ``fit`` (1, as in the official training).
    **kwargs
        As :class:`ZeroDCE`.

    Examples
    --------
    >>> model = ZeroDCEPlusPlus()
    >>> model.net.count_params()
    10561
    >>> model(tf.zeros([1, 90, 120, 3])).shape
    TensorShape([1, 90, 120, 3])
    """

    default_loss_weights = PLUSPLUS_LOSS_WEIGHTS

    def __init__(self, downscale: int | str = PAPER_DOWNSCALE, train_downscale: int = 1,
                 **kwargs):
        if not (downscale == "auto" or (isinstance(downscale, int) and downscale >= 1)):
            raise ValueError(f"downscale must be a positive int or 'auto', got {downscale!r}")
        if not (isinstance(train_downscale, int) and train_downscale >= 1):
            raise ValueError(f"train_downscale must be a positive int, got {train_downscale!r}")
        self.downscale = downscale
        self.train_downscale = train_downscale
        super().__init__(**kwargs)

    def _make_network(self) -> keras.Model:
        return dce_net_plusplus(self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(downscale=self.downscale, train_downscale=self.train_downscale)
        return config

    def _factor(self, training: bool):
        return self.train_downscale if training else self.downscale

    def factor_for(self, height: int, width: int, training: bool = False) -> int:
        """The curve-estimation factor an image of ``height`` x ``width`` gets.

        ``downscale`` itself unless it is ``"auto"``; ``train_downscale`` with
        ``training=True``. For labelling results: "Zero-DCE++ (curves at 1/12)".

        Examples
        --------
        >>> ZeroDCEPlusPlus().factor_for(400, 600)
        12
        >>> ZeroDCEPlusPlus(downscale="auto").factor_for(400, 600)
        6
        """
        factor = self._factor(training)
        if factor == "auto":
            longest = max(int(height), int(width))
            return max(1, -(-longest // AUTO_ESTIMATION_SIDE))
        return int(factor)

    def _factor_tensor(self, height, width, training: bool):
        factor = self._factor(training)
        if factor == "auto":
            longest = tf.maximum(height, width)
            return tf.maximum(1, (longest + AUTO_ESTIMATION_SIDE - 1) // AUTO_ESTIMATION_SIDE)
        return tf.constant(factor, tf.int32)

    def small_curves(self, images, training: bool = False):
        """The network's 3-channel curve map at the downscaled resolution."""
        if self._factor(training) == 1:
            return self.net(images, training=training)
        shape = tf.shape(images)
        factor = self._factor_tensor(shape[1], shape[2], training)
        small = tf.image.resize(images, [-(-shape[1] // factor), -(-shape[2] // factor)])
        return self.net(small, training=training)

    def estimate_curves(self, images, training: bool = False):
        """The curve map upsampled to the images' resolution, ``(N, H, W, 3)``."""
        small = self.small_curves(images, training=training)
        if self._factor(training) == 1:
            return small
        shape = tf.shape(images)
        return upsample_bilinear(small, shape[1], shape[2])

    def enhance_with(self, images, curves):
        return apply_curves(images, curves, self.iterations)

    def call(self, inputs, training: bool = False):
        images = tf.convert_to_tensor(inputs, tf.float32)
        if self.fused_inference and not training:
            small = self.small_curves(images)
            return _fused_upsample_enhance(images, small, self.iterations)
        return self.enhance_with(images, self.estimate_curves(images, training=training))
