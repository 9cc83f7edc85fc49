"""Zero-DCE as a course method: profile settings, the loss ablation, the builder, ``METHODS``."""

from __future__ import annotations

from .._shared.fused_adam import FusedAdam
from .._shared.method_spec import TRAINING_SIZES, Method
from .model import ZeroDCE, ZeroDCEPlusPlus

#: Official gradient clipping: ``clip_grad_norm(parameters, 0.1)``, a global-norm clip.
GRAD_CLIP_NORM = 0.1

#: The paper's loss ablation: drop one loss at a time (``loss_weights`` overrides).
ABLATIONS = {
    "all four losses": {},
    "without spatial": {"spatial": 0.0},
    "without exposure": {"exposure": 0.0},
    "without colour": {"color": 0.0},
    "without smoothness": {"smoothness": 0.0},
}

#: Method-specific sizes per profile. ``full`` is the Zero-DCE report's setup (256 px,
#: batch 16, Adam 1e-4, 70 epochs); ``quick`` is sized for minutes on a 2-core CPU and uses a
#: larger learning rate (1e-3) so that 150 steps are enough. ``ablation_*`` size the short
#: runs of notebook 04's loss ablation.
PROFILE_SETTINGS = {
    "quick": {
        "crop": 64,
        "batch_size": 8,
        "epochs": 5,
        "steps_per_epoch": 30,
        "learning_rate": 1e-3,
        "ablation_steps": 30,
        "ablation_batch_size": 4,
    },
    "full": {
        "crop": 256,
        "batch_size": 16,
        "epochs": 70,
        "steps_per_epoch": None,
        "learning_rate": 1e-4,
        "ablation_steps": 2000,
        "ablation_batch_size": 8,
    },
}

#: Settings for the data pipeline and notebook 04's ablation, not for the model.
_TRAINING_KEYS = (*TRAINING_SIZES, "ablation_steps", "ablation_batch_size")


def build(profile=None, variant: str = "zero-dce", **overrides) -> ZeroDCE:
    """A compiled Zero-DCE (or Zero-DCE++) for a profile.

    Taught in notebook 04, section 'Training'; notebook 04, section 'Loss ablation (as in the
    paper), and the Keras example's smoothness', builds one model per loss setting with it.

    Parameters
    ----------
    profile : Profile, str or None
        A :class:`lowlight_utils.config.Profile`, a profile name, or None for
        ``get_profile()``; selects ``PROFILE_SETTINGS[profile.name]``.
    variant : {"zero-dce", "zero-dce++"}
    **overrides
        ``learning_rate``, ``clipnorm`` (default 0.1, the official global-norm clip),
        ``jit_compile`` (Keras' ``"auto"`` by default: XLA on a GPU, not on a CPU, where
        compiling costs more than it saves in short runs) and any
        model argument (``loss_weights``, ``smoothness_normalization``, ``filters``, ...).
        Training sizes (``crop``, ``batch_size``, ``epochs``, ``steps_per_epoch``) are
        accepted and ignored here: they are for the data pipeline.

    Returns
    -------
    ZeroDCE
        Compiled with Adam and global-norm gradient clipping.

    References
    ----------
    C. Guo, C. Li, J. Guo, C. C. Loy, J. Hou, S. Kwong and R. Cong, "Zero-Reference Deep Curve
    Estimation for Low-Light Image Enhancement", CVPR 2020; official code
    github.com/Li-Chongyi/Zero-DCE, ``Zero-DCE_code/lowlight_train.py`` (Adam at learning rate
    1e-4, the full profile's; ``grad_clip_norm`` 0.1).

    Examples
    --------
    >>> build("quick").optimizer.global_clipnorm
    0.1
    """
    from ..config import Profile, get_profile

    if variant not in METHODS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {sorted(METHODS)}")
    if not isinstance(profile, Profile):
        profile = get_profile(profile)
    settings = {**PROFILE_SETTINGS[profile.name], **overrides}
    learning_rate = settings.pop("learning_rate")
    clipnorm = settings.pop("clipnorm", GRAD_CLIP_NORM)
    jit_compile = settings.pop("jit_compile", "auto")
    for key in _TRAINING_KEYS:
        settings.pop(key, None)
    model = METHODS[variant].model_class(**settings)
    model.compile(
        optimizer=FusedAdam(learning_rate=learning_rate, global_clipnorm=clipnorm),
        jit_compile=jit_compile,
    )
    return model


def build_plusplus(profile=None, **overrides) -> ZeroDCEPlusPlus:
    """A compiled Zero-DCE++ for a profile: ``build(profile, variant="zero-dce++", ...)``.

    Taught in notebook 04, section 'Zero-DCE++, the fast variant'.

    Parameters
    ----------
    profile : Profile, str or None
        As for :func:`build`.
    **overrides
        As for :func:`build`, plus Zero-DCE++'s own model arguments (``downscale``,
        ``train_downscale``: :class:`ZeroDCEPlusPlus`).

    Returns
    -------
    ZeroDCEPlusPlus
        Compiled with Adam and global-norm gradient clipping.

    References
    ----------
    C. Li, C. Guo and C. C. Loy, "Learning to Enhance Low-Light Image via Zero-Reference Deep
    Curve Estimation", IEEE TPAMI 2021; official code github.com/Li-Chongyi/Zero-DCE_extension.
    """
    return build(profile, variant="zero-dce++", **overrides)


#: What this module provides to :mod:`lowlight_utils.training`.
METHODS = {
    "zero-dce": Method("zero-dce", build, PROFILE_SETTINGS, ZeroDCE),
    "zero-dce++": Method("zero-dce++", build_plusplus, PROFILE_SETTINGS, ZeroDCEPlusPlus),
}
