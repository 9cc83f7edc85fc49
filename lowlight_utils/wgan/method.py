"""WGAN-GP as a course method: profile settings, named variants, the builder, ``METHODS``."""

from __future__ import annotations

import keras

from .._shared.fused_adam import FusedAdam
from .._shared.method_spec import Method
from ..pix2pix.method import PROFILE_SETTINGS as GENERATOR_SETTINGS
from ..pix2pix.networks import patchgan_discriminator, unet_generator
from .model import WGANGP

#: Critic and optimiser settings per profile. ``full`` is the report's best configuration.
#: The generator is Pix2Pix's (``pix2pix.PROFILE_SETTINGS``: same width, depth and
#: normalisation), so the two methods differ only in how the generator is judged.
#: What both profiles share: the report's losses, critic optimiser and its decay.
_SHARED = {
    "critic_variant": "16x16", "critic_norm": "batch", "n_critic": 5, "gp_weight": 10.0,
    "l1_weight": 100.0, "clip_value": None, "critic_optimizer": "sgd", "decay_rate": 0.7,
    "decay_epochs": 6, "clipnorm": 1.0, "color_weight": 0.0, "beta_2": 0.999,
    "gp_reduce": "mean",
}
PROFILE_SETTINGS = {
    "quick": {**_SHARED, "critic_filters": 16, "generator_lr": 1e-3, "critic_lr": 1e-3,
              "epochs": 10},
    "full": {**_SHARED, "critic_filters": 64, "generator_lr": 1.2e-4, "critic_lr": 1e-4,
             "epochs": 34},
}

#: Named variants: overrides on top of the profile's settings.
VARIANTS = {
    # The report's best configuration (the default), with one correction: the penalty is on
    # the mean patch score that the losses use ("report-exact" keeps the report's sum).
    "report": {},
    "report-exact": {"gp_reduce": "sum"},
    # The phone-to-DSLR report's original WGAN: weights clipped to [-0.01, 0.01], no penalty.
    "weight-clipping": {"clip_value": 0.01, "gp_weight": 0.0, "critic_norm": "batch"},
    # What the WGAN-GP paper recommends: no batch norm in a critic with a per-sample penalty.
    "no-bn-critic": {"critic_norm": None},
    # The report's first attempt: Adam for both networks.
    "adam": {"critic_optimizer": "adam"},
}


def _schedule(lr: float, decay_rate: float, decay_steps: int):
    return keras.optimizers.schedules.ExponentialDecay(
        lr, decay_steps=max(1, int(decay_steps)), decay_rate=decay_rate, staircase=True)


def build(profile=None, variant: str = "report", steps_per_epoch: int | None = None,
          **overrides) -> WGANGP:
    """Build and compile the WGAN-GP model of a profile.

    Parameters
    ----------
    profile : str or Profile, optional
        Default ``$LOWLIGHT_PROFILE``.
    variant : {"report", "report-exact", "weight-clipping", "no-bn-critic", "adam"}
        See :data:`VARIANTS`.
    steps_per_epoch : int, optional
        Generator steps per epoch, for the learning-rate schedule ("x0.7 every 6 epochs");
        default: the profile's, else 100.
    **overrides
        Any key of :data:`PROFILE_SETTINGS`.

    Notes
    -----
    Both schedules decay every ``decay_epochs`` epochs. The critic's optimiser takes
    ``n_critic`` steps per generator step, so its ``decay_steps`` is ``n_critic`` times
    larger. (The report's code used the generator's step count for both, which decays the
    critic's rate every 1.2 epochs; its text says every 6 epochs for both, which we follow.)
    """
    from ..config import Profile, get_profile

    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    if variant not in VARIANTS:
        raise ValueError(f"unknown WGAN variant {variant!r}; choose from {sorted(VARIANTS)}")
    gen_keys = ("base_filters", "depth", "norm", "bn_momentum", "output")
    s = {**{k: GENERATOR_SETTINGS[prof.name][k] for k in gen_keys},
         **PROFILE_SETTINGS[prof.name], **VARIANTS[variant]}
    unknown = set(overrides) - set(s)
    if unknown:
        raise TypeError(f"unknown WGAN-GP setting(s) {sorted(unknown)}; known: {sorted(s)}")
    s.update(overrides)
    s.pop("epochs")  # a training length (training.method_profile); the decay is per epoch
    steps = steps_per_epoch or prof.steps_per_epoch or 100
    generator = unet_generator(image_size=None, base_filters=s["base_filters"],
                               depth=s["depth"], norm=s["norm"], bn_momentum=s["bn_momentum"],
                               output=s["output"])
    critic = patchgan_discriminator(s["critic_variant"], image_size=None,
                                    base_filters=s["critic_filters"], norm=s["critic_norm"],
                                    name="critic")
    model = WGANGP(generator, critic, n_critic=s["n_critic"], gp_weight=s["gp_weight"],
                   l1_weight=s["l1_weight"], clip_value=s["clip_value"],
                   color_weight=s["color_weight"], gp_reduce=s["gp_reduce"], name="wgan_gp")
    g_lr = _schedule(s["generator_lr"], s["decay_rate"], s["decay_epochs"] * steps)
    c_lr = _schedule(s["critic_lr"], s["decay_rate"], s["decay_epochs"] * steps * s["n_critic"])
    clip = {"clipnorm": s["clipnorm"]} if s["clipnorm"] else {}
    betas = {"beta_1": 0.5, "beta_2": s["beta_2"]}
    critic_opt = (keras.optimizers.SGD(c_lr, **clip) if s["critic_optimizer"] == "sgd"
                  else FusedAdam(c_lr, **betas, **clip))
    model.compile(generator_optimizer=FusedAdam(g_lr, **betas, **clip),
                  critic_optimizer=critic_opt)
    return model


#: What this module provides to :mod:`lowlight_utils.training` (the builder takes
#: ``steps_per_epoch`` for its learning-rate schedules).
METHODS = {
    "pix2pix-wgan-gp": Method("pix2pix-wgan-gp", build, PROFILE_SETTINGS, WGANGP,
                              schedule_steps=True),
}
