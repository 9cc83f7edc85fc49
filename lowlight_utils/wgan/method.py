"""WGAN-GP as a course method: profile settings, named variants, the builder, ``METHODS``."""

from __future__ import annotations

import keras

from .._shared.fused_adam import FusedAdam
from .._shared.method_spec import Method
from ..pix2pix.method import PROFILE_SETTINGS as GENERATOR_SETTINGS
from ..pix2pix.model import L1_WEIGHT
from ..pix2pix.networks import unet_generator
from .model import WGANGP
from .networks import check_norm, critic

#: What the WGAN-GP paper does (Gulrajani et al., 2017, Algorithm 1 and section 4; official
#: code ``gan_64x64.py``, ``MODE == 'wgan-gp'``): a critic without batch normalization,
#: Adam with beta_1 = 0 and beta_2 = 0.9 for critic *and* generator at the same learning rate
#: (1e-4), no gradient clipping, no learning-rate decay, n_critic = 5 critic updates per
#: generator update and lambda = 10. The L1 term and the 16x16 PatchGAN critic are the
#: low-light report's, which conditions the GAN on the input: its 100 x L1 is weighed as
#: pix2pix's lambda (``pix2pix.model.L1_WEIGHT`` = 200 on the course's [0, 1] images, the same
#: term as ``pix2pix-bce``'s), since the report's generator is pix2pix's, with its tanh output.
PAPER = {
    "critic_variant": "16x16", "critic_norm": "none", "n_critic": 5, "gp_weight": 10.0,
    "l1_weight": L1_WEIGHT, "clip_value": None, "critic_optimizer": "adam", "beta_1": 0.0,
    "beta_2": 0.9, "decay_rate": 1.0, "decay_epochs": 6, "clipnorm": None,
    "color_weight": 0.0, "gp_reduce": "mean",
}

#: Critic and optimiser settings per profile: the paper's, at its learning rate 1e-4 in
#: ``full``; ``quick`` scales both rates together to 1e-3 for its 200 generator steps (the
#: paper keeps them equal). The generator is Pix2Pix's (``pix2pix.PROFILE_SETTINGS``: same
#: width, depth, normalisation and head), so the two methods differ in how the generator is
#: judged (and in the optimiser the paper gives each).
PROFILE_SETTINGS = {
    "quick": {**PAPER, "critic_filters": 16, "generator_lr": 1e-3, "critic_lr": 1e-3,
              "epochs": 10},
    "full": {**PAPER, "critic_filters": 64, "generator_lr": 1e-4, "critic_lr": 1e-4,
             "epochs": 34},
}

#: The Pix2Pix + WGAN-GP low-light report's configuration, on top of a profile's settings:
#: batch norm in the critic, SGD for the critic, Adam(beta_1 0.5, beta_2 0.999) for the
#: generator, ``clipnorm`` 1 on every variable of both, and both rates x0.7 every 6 epochs.
#: Against a fixed fake 30 % too dark this critic's estimate barely moves (tests/wgan/test_wgan.py).
REPORT = {
    "critic_norm": "batch", "critic_optimizer": "sgd", "beta_1": 0.5, "beta_2": 0.999,
    "decay_rate": 0.7, "clipnorm": 1.0,
}
#: The report's learning rates where they differ from the profile's (generator 1.2e-4 in
#: ``full``; ``quick`` keeps 1e-3 for both).
REPORT_RATES = {"full": {"generator_lr": 1.2e-4, "critic_lr": 1e-4}}

#: Named variants: overrides on top of the profile's settings (the report's variants also
#: take :data:`REPORT_RATES`).
VARIANTS = {
    # Gulrajani et al.: the default.
    "paper": {},
    # The paper's official code for images: layer norm (per channel) in the critic.
    "layer-norm-critic": {"critic_norm": "layer"},
    # The paper's settings with the report's batch-norm critic: what batch norm alone does.
    "batch-norm-critic": {"critic_norm": "batch"},
    # The report's configuration, with one correction: the penalty is on the mean patch score
    # that the losses use ("report-exact" keeps the report's sum).
    "report": dict(REPORT),
    "report-exact": {**REPORT, "gp_reduce": "sum"},
    # The report's configuration without batch norm in its critic.
    "no-bn-critic": {**REPORT, "critic_norm": "none"},
    # The report's first attempt: Adam(0.5, 0.999) for both networks.
    "adam": {**REPORT, "critic_optimizer": "adam"},
    # The phone-to-DSLR report's original WGAN: weights clipped to [-0.01, 0.01], no penalty
    # (on the low-light report's optimisers, which the dped-wgan-clip preset overrides).
    "weight-clipping": {**REPORT, "clip_value": 0.01, "gp_weight": 0.0},
}
_REPORT_VARIANTS = ("report", "report-exact", "no-bn-critic", "adam", "weight-clipping")


def variant_settings(variant: str, profile_name: str) -> dict:
    """The overrides a named variant applies in a profile (:data:`VARIANTS`, plus
    :data:`REPORT_RATES` for the report's variants).

    Used in notebook 03, section 'Where the course departs from the paper'.

    Parameters
    ----------
    variant : str
        A key of :data:`VARIANTS`.
    profile_name : str
        ``"quick"`` or ``"full"``: the report's variants take the full profile's
        :data:`REPORT_RATES`.

    Returns
    -------
    dict
        Setting name -> value, applied by :func:`build` on top of the profile's
        :data:`PROFILE_SETTINGS`; empty for ``"paper"``.

    Raises
    ------
    ValueError
        For an unknown variant, listing the known ones.

    Examples
    --------
    >>> variant_settings("paper", "full")
    {}
    >>> variant_settings("layer-norm-critic", "full")
    {'critic_norm': 'layer'}
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown WGAN variant {variant!r}; choose from {sorted(VARIANTS)}")
    rates = REPORT_RATES.get(profile_name, {}) if variant in _REPORT_VARIANTS else {}
    return {**VARIANTS[variant], **rates}


def _rate(lr: float, decay_rate: float, decay_steps: int):
    if decay_rate == 1.0:
        return lr
    return keras.optimizers.schedules.ExponentialDecay(
        lr, decay_steps=max(1, int(decay_steps)), decay_rate=decay_rate, staircase=True)


def build(profile=None, variant: str = "paper", steps_per_epoch: int | None = None,
          **overrides) -> WGANGP:
    """Build and compile the WGAN-GP model of a profile.

    Taught in notebook 03, section 'The critic and generator steps, written out'; built for
    training in notebook 03, section 'Data and budget'.

    Parameters
    ----------
    profile : str or Profile, optional
        Default ``$LOWLIGHT_PROFILE``.
    variant : str
        A key of :data:`VARIANTS`: ``"paper"`` (the default: Gulrajani et al.),
        ``"layer-norm-critic"``, ``"batch-norm-critic"``, ``"report"`` (the low-light
        report's SGD batch-norm critic, clipnorm and decay), ``"report-exact"``,
        ``"no-bn-critic"``, ``"adam"``, ``"weight-clipping"``.
    steps_per_epoch : int, optional
        Generator steps per epoch, for a decaying learning rate ("x0.7 every 6 epochs" in
        the report's variants); default: the profile's, else 100.
    **overrides
        Any key of :data:`PROFILE_SETTINGS`, applied after the variant's.

    Returns
    -------
    WGANGP
        Compiled: ``critic_optimizer`` and ``generator_optimizer`` (``FusedAdam``, the
        same update as ``keras.optimizers.Adam``; SGD for the report's critic).

    Notes
    -----
    With ``decay_rate`` < 1 both schedules decay every ``decay_epochs`` epochs. The critic's
    optimiser takes ``n_critic`` steps per generator step, so its ``decay_steps`` is
    ``n_critic`` times larger. (The report's code used the generator's step count for both,
    which decays the critic's rate every 1.2 epochs; its text says every 6 epochs for both,
    which we follow.)

    References
    ----------
    Gulrajani, Ahmed, Arjovsky, Dumoulin and Courville, "Improved Training of Wasserstein
    GANs", NeurIPS 2017: Algorithm 1 (lambda = 10, n_critic = 5, Adam alpha = 1e-4,
    beta_1 = 0, beta_2 = 0.9) and section 4 (no batch norm in the critic). Official code:
    github.com/igul222/improved_wgan_training, ``gan_64x64.py`` (``AdamOptimizer(
    learning_rate=1e-4, beta1=0., beta2=0.9)`` for generator and critic, ``CRITIC_ITERS = 5``,
    ``LAMBDA = 10``).
    """
    from ..config import Profile, get_profile

    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    gen_keys = ("base_filters", "depth", "norm", "bn_momentum", "output")
    s = {**{k: GENERATOR_SETTINGS[prof.name][k] for k in gen_keys},
         **PROFILE_SETTINGS[prof.name], **variant_settings(variant, prof.name)}
    unknown = set(overrides) - set(s)
    if unknown:
        raise TypeError(f"unknown WGAN-GP setting(s) {sorted(unknown)}; known: {sorted(s)}")
    s.update(overrides)
    s.pop("epochs")  # a training length (training.method_profile); the decay is per epoch
    if s["critic_optimizer"] not in ("adam", "sgd"):
        raise ValueError(f"critic_optimizer must be 'adam' or 'sgd', got {s['critic_optimizer']!r}")
    steps = steps_per_epoch or prof.steps_per_epoch or 100
    generator = unet_generator(image_size=None, base_filters=s["base_filters"],
                               depth=s["depth"], norm=s["norm"], bn_momentum=s["bn_momentum"],
                               output=s["output"])
    network = critic(s["critic_variant"], image_size=None, base_filters=s["critic_filters"],
                     norm=check_norm(s["critic_norm"]), name="critic")
    model = WGANGP(generator, network, n_critic=s["n_critic"], gp_weight=s["gp_weight"],
                   l1_weight=s["l1_weight"], clip_value=s["clip_value"],
                   color_weight=s["color_weight"], gp_reduce=s["gp_reduce"], name="wgan_gp")
    g_lr = _rate(s["generator_lr"], s["decay_rate"], s["decay_epochs"] * steps)
    c_lr = _rate(s["critic_lr"], s["decay_rate"], s["decay_epochs"] * steps * s["n_critic"])
    clip = {"clipnorm": s["clipnorm"]} if s["clipnorm"] else {}
    betas = {"beta_1": s["beta_1"], "beta_2": s["beta_2"]}
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
