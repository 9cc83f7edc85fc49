"""Pix2Pix as a course method: profile settings, the builder, ``METHODS``."""

from __future__ import annotations

from .._shared.fused_adam import FusedAdam
from .._shared.method_spec import Method
from .model import L1_WEIGHT, Pix2Pix
from .networks import patchgan_discriminator, small_unet, unet_generator

#: Method-specific settings per profile. ``quick`` trains in a couple of minutes on a laptop
#: CPU on the profile's 96-px crops: a U-Net of depth 5 (a stride of 32 divides 96) and width
#: 32 with instance normalisation (see :func:`unet_generator`; with batch norm, a few hundred
#: steps leave moving statistics that make validation PSNR jump from one epoch to the next),
#: a 10x higher learning rate and 20 epochs. Its generator ends in the ``"curve"`` head
#: (:mod:`lowlight_utils.pix2pix.heads`): it starts at its input. ``lr_hold`` 1 keeps the rate
#: constant: pix2pix's hold-then-linear decay (0.5) did not help in this budget
#: (BENCHMARKS.md, the generator-heads rows). ``full`` is the report's network (54,429,315
#: parameters, its ``tanh`` head), the pix2pix 70x70 PatchGAN and pix2pix's optimiser settings.
#: Both weigh the L1 term as pix2pix does (lambda = 100 on [-1, 1], which is ``l1_weight``
#: 200 on the course's [0, 1] images: :data:`lowlight_utils.pix2pix.model.L1_WEIGHT`).
PROFILE_SETTINGS = {
    "quick": {
        "base_filters": 32,
        "depth": 5,
        "norm": "instance",
        "bn_momentum": 0.9,
        "disc_variant": "70x70",
        "disc_filters": 32,
        "learning_rate": 1e-3,
        "beta_1": 0.5,
        "gan_weight": 1.0,
        "l1_weight": L1_WEIGHT,
        "epochs": 20,
        "output": "curve",
        "lr_hold": 1.0,
    },
    "full": {
        "base_filters": 64,
        "depth": 8,
        "norm": "batch",
        "bn_momentum": 0.99,
        "disc_variant": "70x70",
        "disc_filters": 64,
        "learning_rate": 2e-4,
        "beta_1": 0.5,
        "gan_weight": 1.0,
        "l1_weight": L1_WEIGHT,
        "epochs": 100,
        "output": "direct",
        "lr_hold": 1.0,
    },
}


def _settings(profile, overrides: dict) -> dict:
    from ..config import Profile, resolve_profile_name

    name = profile.name if isinstance(profile, Profile) else resolve_profile_name(profile)
    settings = dict(PROFILE_SETTINGS[name])
    unknown = set(overrides) - set(settings) - {"generator"}
    if unknown:
        raise TypeError(
            f"unknown Pix2Pix setting(s) {sorted(unknown)}; known: {sorted(settings)}"
        )
    settings.update(overrides)
    return settings


def build(profile=None, method: str = "pix2pix-bce", steps_per_epoch: int | None = None,
          **overrides) -> Pix2Pix:
    """Build and compile the Pix2Pix model of a profile.

    Taught in notebook 02, section 'The training step: two tapes'; notebook 03, section 'The BCE
    baseline on the same budget', and notebook 06, section 'The same Pix2Pix, trained twice', build
    with it too.

    Parameters
    ----------
    profile : str or lowlight_utils.config.Profile, optional
        ``"quick"``, ``"full"``, ``"auto"`` or a Profile; default ``$LOWLIGHT_PROFILE``.
    method : {"pix2pix-bce"}
        The only method built here (WGAN-GP lives in :mod:`lowlight_utils.wgan`).
    steps_per_epoch : int, optional
        For the learning-rate schedule (``lr_hold`` below 1 holds the rate for that share of
        ``epochs * steps_per_epoch`` steps, then decays it linearly to zero, as pix2pix
        does: :class:`lowlight_utils._shared.schedules.HoldThenLinear`); default: the profile's, else
        100.
    **overrides
        Any key of :data:`PROFILE_SETTINGS` (``base_filters``, ``depth``, ``bn_momentum``,
        ``norm``,
        ``disc_variant``, ``disc_filters``, ``learning_rate``, ``beta_1``, ``gan_weight``,
        ``l1_weight`` (on images in [0, 1]: twice the paper's lambda, default 200),
        ``output``: the generator's head, ``lr_hold``), or
        ``generator="small"`` for the slides report's small U-Net. (``epochs`` is the default
        training length, read by :func:`lowlight_utils.training.fit_method`; the model reads
        it only for the learning-rate schedule.)

    Returns
    -------
    Pix2Pix
        Compiled, networks built for any input size (``image_size=None``).

    References
    ----------
    P. Isola, J.-Y. Zhu, T. Zhou and A. A. Efros, "Image-to-Image Translation with Conditional
    Adversarial Networks", CVPR 2017, section 3.3 (Adam, learning rate 2e-4, beta_1 0.5: the
    full profile's) and lambda = 100 on [-1, 1] images in its experiments.

    Examples
    --------
    >>> model = build("quick", base_filters=8)  # doctest: +SKIP
    >>> model(images)  # doctest: +SKIP
    """
    if method != "pix2pix-bce":
        raise ValueError(f"lowlight_utils.pix2pix builds 'pix2pix-bce', not {method!r}")
    s = _settings(profile, overrides)
    if s.get("generator", "unet") == "small":
        generator = small_unet()
    else:
        generator = unet_generator(
            image_size=None, base_filters=s["base_filters"], depth=s["depth"],
            bn_momentum=s["bn_momentum"], norm=s["norm"], output=s["output"],
        )
    discriminator = patchgan_discriminator(
        s["disc_variant"], image_size=None, base_filters=s["disc_filters"]
    )
    model = Pix2Pix(generator, discriminator, name="pix2pix")
    model.compile(
        generator_optimizer=FusedAdam(_rate(s, profile, steps_per_epoch), beta_1=s["beta_1"]),
        discriminator_optimizer=FusedAdam(_rate(s, profile, steps_per_epoch),
                                          beta_1=s["beta_1"]),
        gan_weight=s["gan_weight"],
        l1_weight=s["l1_weight"],
    )
    return model


def _rate(s: dict, profile, steps_per_epoch):
    """The learning rate, or its :class:`HoldThenLinear` schedule when ``lr_hold < 1``."""
    if s["lr_hold"] >= 1:
        return s["learning_rate"]
    from .._shared.schedules import HoldThenLinear
    from ..config import Profile, get_profile

    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    steps = steps_per_epoch or prof.steps_per_epoch or 100
    return HoldThenLinear(s["learning_rate"], int(s["epochs"]) * steps, s["lr_hold"])


#: The head each task's generator ends in, where the profile's is not asked for: noise and
#: blur leave the exposure right, so a residual does (the curves only add weights), and
#: they are pixel-scale degradations, so it is computed at full resolution (``"refine"``,
#: :mod:`lowlight_utils.pix2pix.heads`).
TASK_OUTPUTS = {"low-light": None, "noise": "refine", "blur": "refine"}


#: What this module provides to :mod:`lowlight_utils.training`.
METHODS = {"pix2pix-bce": Method("pix2pix-bce", build, PROFILE_SETTINGS, Pix2Pix,
                                  schedule_steps=True)}
