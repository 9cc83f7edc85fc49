"""Pix2Pix: a U-Net generator, a PatchGAN discriminator and their two-tape training step.

The generator is the U-Net of the Pix2Pix + WGAN-GP low-light report (and of the
phone-to-DSLR report's table): eight stride-2 4x4 convolutions down, eight transposed ones
up, skip connections between mirror layers. The discriminator is a PatchGAN: it looks at the
low-light input and a candidate output side by side (6 channels) and scores every patch.

Every network here takes images in [0, 1] and returns images in [0, 1]; the rescaling to the
[-1, 1] that a tanh output wants happens inside, with Keras' own ``Rescaling`` layer (no
Lambda, so saved models load with ``safe_mode=True``).

One module per idea: :mod:`.networks` (generator and discriminators), :mod:`.model` (the
``keras.Model`` and its two-tape ``train_step``) and :mod:`.method` (profile settings, the
builder and ``METHODS`` for training); everything is importable from here.
"""

from .method import METHODS, PROFILE_SETTINGS, build
from .model import L1_WEIGHT, Pix2Pix, generator_test_step, record_train_step
from .networks import patchgan_discriminator, receptive_field, small_unet, unet_generator

__all__ = [
    "L1_WEIGHT",
    "METHODS",
    "PROFILE_SETTINGS",
    "Pix2Pix",
    "build",
    "generator_test_step",
    "patchgan_discriminator",
    "receptive_field",
    "record_train_step",
    "small_unet",
    "unet_generator",
]
