"""Data: paired low/normal-light images, from folder to ``tf.data`` (taught in notebook 01).

Everything outside the networks is float32 RGB in [0, 1] with shape (H, W, 3).

============================  =============================================================
:mod:`.io`                    reading and writing images; the :class:`Pair` type
:mod:`.pairs`                 finding pairs (LOL or ``low/`` + ``high/``), splitting by scene
:mod:`.pipeline`              ``tf.data``: decoding, paired augmentation, crops, batches
:mod:`.degradations`          the darkening model and the other tasks' degradations
:mod:`.synthetic`             the embedded sample made from bundled photographs
:mod:`.download`              fetching LOL, checksummed
============================  =============================================================

The names below are the public API; import them from here
(``from lowlight_utils.data import find_pairs, load_image``).
"""

from .io import IMAGE_EXTENSIONS, DatasetError, Pair, is_image_file, load_image, save_image
from .pairs import LOL_SUBSETS, Splits, course_splits, find_lol, find_pairs, split_pairs
from .pipeline import REPORT_AUGMENT, Augment, make_dataset

__all__ = [
    "IMAGE_EXTENSIONS",
    "LOL_SUBSETS",
    "REPORT_AUGMENT",
    "Augment",
    "DatasetError",
    "Pair",
    "Splits",
    "course_splits",
    "find_lol",
    "find_pairs",
    "is_image_file",
    "load_image",
    "make_dataset",
    "save_image",
    "split_pairs",
]
