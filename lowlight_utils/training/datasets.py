"""The course's standard data for a run: splits, training and validation pipelines, samples."""

from __future__ import annotations

import dataclasses
import math

import numpy as np


@dataclasses.dataclass
class CourseData:
    """Datasets of one run, made by :func:`course_datasets`.

    Attributes
    ----------
    train : tf.data.Dataset
        Shuffled, augmented, repeated random crops, batched.
    val : tf.data.Dataset
        Validation pairs at native size, batch 1.
    steps_per_epoch : int
    sample_pairs : list of (low, high)
        A few validation pairs for the sample grids.
    splits : lowlight_utils.data.pairs.Splits
    """

    train: object
    val: object
    steps_per_epoch: int
    sample_pairs: list
    splits: object


def course_datasets(profile=None, data_dir=None, seed: int = 0, samples: int = 2,
                    sample_side: int = 128, batches_per_step: int = 1,
                    splits=None, augment=True, task: str = "low-light") -> CourseData:
    """Build the training and validation pipelines of the course's splits for a profile.

    Taught in notebook 02, section 'The data, before anything is trained'; notebook 06, section 'The
    same Pix2Pix, trained twice', uses it too.

    Parameters
    ----------
    profile : str or Profile, optional
        Crop, batch size and steps per epoch come from it (default ``$LOWLIGHT_PROFILE``).
    data_dir : path, optional
        Passed to :func:`lowlight_utils.data.pairs.course_splits` (LOL if present, else the
        embedded sample).
    seed : int
        Seed of the split, the shuffle and the augmentation.
    samples : int
        Validation pairs drawn in the sample grids.
    sample_side : int
        The sample grids show the central ``sample_side`` square of each pair.
    batches_per_step : int
        Batches one training step consumes (``model.batches_per_step``: WGAN-GP's
        ``n_critic`` critic updates each take a fresh batch); the training batches are
        this many times the profile's batch size.
    splits : lowlight_utils.data.pairs.Splits, optional
        Splits already made (default: ``course_splits(data_dir, seed)``).
    augment : bool or lowlight_utils.data.pairs.Augment
        Paired augmentation of the training crops (``True``:
        :data:`lowlight_utils.data.pipeline.DEFAULT_AUGMENT`, flips, 90-degree turns, a random
        channel order and hue rotation; ``Augment()``: flips and turns only; ``False``:
        none).
    task : str
        Which embedded sample to split when neither ``data_dir`` nor ``splits`` is given.

    Returns
    -------
    CourseData
    """
    from ..config import Profile, get_profile
    from ..data import course_splits
    from ..data.io import load_image
    from ..data.pipeline import make_dataset

    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    splits = splits or course_splits(data_dir, seed=seed, task=task)
    train_ds = make_dataset(splits.train, crop=prof.crop,
                            batch_size=prof.batch_size * batches_per_step,
                            augment=augment, cache=True, shuffle=True, seed=seed,
                            repeat=True)
    val_ds = make_dataset(splits.val, batch_size=1, cache=True)
    step = max(1, len(splits.val) // max(1, samples))
    pairs = []
    for pair in splits.val[::step][:samples]:
        low, high = load_image(pair.low), load_image(pair.high)
        pairs.append((_centre(low, sample_side), _centre(high, sample_side)))
    return CourseData(train_ds, val_ds, steps_per_epoch(prof, len(splits.train)), pairs,
                      splits)


def steps_per_epoch(profile, n_train: int) -> int:
    """Training steps per epoch: the profile's, else one pass over ``n_train`` pairs."""
    return profile.steps_per_epoch or max(1, math.ceil(n_train / profile.batch_size))


def _centre(img: np.ndarray, side: int) -> np.ndarray:
    h, w = img.shape[:2]
    y, x = max(0, (h - side) // 2), max(0, (w - side) // 2)
    return img[y : y + side, x : x + side]
