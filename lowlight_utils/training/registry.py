"""The course's trainable methods by name, each declared by the module that trains it.

``METHODS`` merges the ``METHODS`` dicts of the three method modules imported below: a
:class:`lowlight_utils._shared.method_spec.Method` per name, with the builder, the profile settings
and the ``keras.Model`` class whose ``train_step`` holds the method's idea. Importing this
module also registers those classes with Keras, so saved ``.keras`` models load.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from .._shared.method_spec import Method
from ..pix2pix import method as pix2pix_method
from ..wgan import method as wgan_method
from ..zero_dce import method as zero_dce_method

#: Method name -> :class:`~lowlight_utils._shared.method_spec.Method`.
METHODS: dict[str, Method] = {
    **pix2pix_method.METHODS,
    **wgan_method.METHODS,
    **zero_dce_method.METHODS,
}


def get_method(method: str) -> Method:
    """The :class:`~lowlight_utils._shared.method_spec.Method` called ``method``.

    Raises
    ------
    ValueError
        For an unknown method name (the message lists the known ones).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    return METHODS[method]


def get_builder(method: str) -> Callable:
    """Return the ``build(profile, **overrides)`` function of a method (see :func:`get_method`)."""
    return get_method(method).build


def build_method(method: str, profile=None, **overrides):
    """Build and compile the model of ``method`` for ``profile`` (see :data:`METHODS`)."""
    return get_builder(method)(profile, **overrides)


def method_profile(method: str, profile):
    """The profile with a method's own training sizes, where its module sets them.

    A method module's ``PROFILE_SETTINGS[profile.name]`` may set ``crop``, ``batch_size``,
    ``steps_per_epoch`` and ``epochs`` (Zero-DCE trains on smaller crops in larger batches
    than the GANs); the rest of the profile is kept. A smoke run (``$LOWLIGHT_SMOKE``) caps
    the epochs and steps again (:func:`lowlight_utils.config.smoke_capped`).
    """
    from ..config import smoke_capped

    return smoke_capped(
        dataclasses.replace(profile, **get_method(method).training_sizes(profile.name)))


def default_epochs(method: str, profile) -> int:
    """Epochs of a method in a profile: ``PROFILE_SETTINGS[profile]["epochs"]`` of the
    method's module if it sets one, else the profile's; at most one in a smoke run.

    Used in notebook 02, section 'Training with checkpoints, resume and samples', and
    notebook 06, section 'The same Pix2Pix, trained twice'.

    Parameters
    ----------
    method : str
        A name of :data:`METHODS`, e.g. ``"pix2pix-bce"``.
    profile : lowlight_utils.config.Profile
        The profile (an object with ``.name`` and ``.epochs``, not its name).

    Returns
    -------
    int
        The epochs to train for (:func:`lowlight_utils.config.cap_epochs` applied).

    Raises
    ------
    ValueError
        For an unknown method, listing the known ones.
    """
    from ..config import cap_epochs

    return cap_epochs(
        int(get_method(method).training_sizes(profile.name).get("epochs", profile.epochs)))
