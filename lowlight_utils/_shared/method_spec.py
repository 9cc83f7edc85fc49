"""What a trainable method declares: its name, builder, profile settings and model class.

Each method's ``method`` module (:mod:`lowlight_utils.pix2pix.method`,
:mod:`lowlight_utils.wgan.method`, :mod:`lowlight_utils.zero_dce.method`) ends with a
``METHODS`` dict of :class:`Method`; :mod:`lowlight_utils.training.registry` imports those
modules and merges the dicts, so the registry names, in plain imports, the module that
builds and trains every method.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

#: The training sizes a method's profile settings may set (read by the data pipeline and
#: :func:`lowlight_utils.training.fit_method`, not by the builder).
TRAINING_SIZES = ("crop", "batch_size", "steps_per_epoch", "epochs")


@dataclasses.dataclass(frozen=True)
class Method:
    """One trainable method of the course.

    Attributes
    ----------
    name : str
        What ``python -m lowlight_utils train --method`` accepts (``"pix2pix-bce"``).
    build : callable
        ``build(profile=None, **overrides)`` returning the compiled model.
    profile_settings : mapping
        ``{profile name: {setting: value}}``, the method module's ``PROFILE_SETTINGS``.
    model_class : type
        The ``keras.Model`` subclass whose ``train_step`` holds the method's idea.
    schedule_steps : bool
        The builder takes ``steps_per_epoch`` (for a learning-rate schedule).
    """

    name: str
    build: Callable
    profile_settings: Mapping[str, Mapping]
    model_class: type
    schedule_steps: bool = False

    def training_sizes(self, profile_name: str) -> dict:
        """The :data:`TRAINING_SIZES` this method sets for a profile (may be empty)."""
        settings = self.profile_settings.get(profile_name, {})
        return {k: settings[k] for k in TRAINING_SIZES if k in settings}
