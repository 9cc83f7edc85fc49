"""Finding, reading, writing, splitting and streaming paired low/normal-light images.

Everything outside the networks is float32 RGB in [0, 1] with shape (H, W, 3).

Layouts accepted by :func:`find_pairs`:

* LOL: ``root/our485/{low,high}`` and ``root/eval15/{low,high}`` (either may be missing,
  not both; a single top-level folder such as ``lol_dataset/`` is looked into);
* generic: ``root/low`` and ``root/high``.

Pairs are matched by file stem (``12.png`` in ``low/`` goes with ``12.png`` or ``12.jpg`` in
``high/``). Files that are not images (``.DS_Store``, ``Thumbs.db``, text, hidden files) are
ignored; every other problem is an error that names the paths, and nothing is dropped
silently.

Reading and writing images and the :class:`Pair` type live in :mod:`lowlight_utils.data.io`,
the ``tf.data`` pipeline in :mod:`lowlight_utils.data.pipeline`; :mod:`lowlight_utils.data`
declares the public names of all three.
"""

from __future__ import annotations

import dataclasses
import os
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .io import (
    DatasetError,
    Pair,
    _open_verified,
    is_image_file,
)

__all__ = [
    "LOL_SUBSETS",
    "Splits",
    "course_splits",
    "find_lol",
    "find_pairs",
    "split_pairs",
]

LOL_SUBSETS = ("our485", "eval15")


def _images_by_stem(folder: Path) -> dict[str, Path]:
    files = sorted(p for p in folder.iterdir() if is_image_file(p))
    by_stem: dict[str, Path] = {}
    clashes = []
    for f in files:
        if f.stem in by_stem:
            clashes.append(f"{by_stem[f.stem]} and {f}")
        by_stem[f.stem] = f
    if clashes:
        raise DatasetError(
            "two images share a stem, so pairing is ambiguous: " + "; ".join(clashes)
        )
    return by_stem


def _pair_folder(low_dir: Path, high_dir: Path, subset: str, problems: list[str]) -> list[Pair]:
    for d in (low_dir, high_dir):
        if not d.is_dir():
            problems.append(f"missing folder: {d}")
    if problems and not (low_dir.is_dir() and high_dir.is_dir()):
        return []
    lows, highs = _images_by_stem(low_dir), _images_by_stem(high_dir)
    if not lows:
        problems.append(f"empty folder (no images): {low_dir}")
    if not highs:
        problems.append(f"empty folder (no images): {high_dir}")
    for stem in sorted(set(lows) - set(highs)):
        problems.append(f"low image with no partner in {high_dir}: {lows[stem]}")
    for stem in sorted(set(highs) - set(lows)):
        problems.append(f"high image with no partner in {low_dir}: {highs[stem]}")
    return [Pair(lows[s], highs[s], subset) for s in sorted(set(lows) & set(highs), key=_natural)]


def _natural(stem: str):
    """Sort key that puts ``2`` before ``10`` (LOL's files are numbered)."""
    return (0, int(stem), "") if stem.isdigit() else (1, 0, stem)


def _lol_root(root: Path) -> Path | None:
    if any((root / s).is_dir() for s in LOL_SUBSETS):
        return root
    subdirs = [d for d in root.iterdir() if d.is_dir() and not d.name.startswith(".")]
    if len(subdirs) == 1 and any((subdirs[0] / s).is_dir() for s in LOL_SUBSETS):
        return subdirs[0]
    return None


def find_pairs(root: str | os.PathLike, verify: bool = True) -> list[Pair]:
    """Find paired low/high images under ``root``.

    Parameters
    ----------
    root : path
        A LOL folder (``our485``/``eval15``) or a folder with ``low/`` and ``high/``.
    verify : bool, default True
        Decode every image once, so that a corrupt or truncated file is reported now rather
        than in the middle of training.

    Returns
    -------
    list of Pair
        Sorted by subset, then by stem (numerically when stems are numbers).

    Raises
    ------
    DatasetError
        Naming every offending path: missing or empty folders, images without a partner,
        files that cannot be decoded.
    """
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"data folder does not exist: {root}")
    problems: list[str] = []
    lol = _lol_root(root)
    if lol is not None:
        pairs = []
        for subset in LOL_SUBSETS:
            if (lol / subset).is_dir():
                pairs += _pair_folder(lol / subset / "low", lol / subset / "high", subset, problems)
    elif (root / "low").exists() or (root / "high").exists():
        pairs = _pair_folder(root / "low", root / "high", "", problems)
    else:
        raise DatasetError(
            f"no data set layout found in {root}: expected our485/ and eval15/ (LOL) "
            "or low/ and high/ folders"
        )
    if verify:
        for pair in pairs:
            for path in (pair.low, pair.high):
                try:
                    _open_verified(path)
                except DatasetError as err:
                    problems.append(str(err))
    if problems:
        raise DatasetError(f"{len(problems)} problem(s) in {root}:\n  " + "\n  ".join(problems))
    return pairs


# --------------------------------------------------------------------------------------
# Splitting


def split_pairs(
    pairs: Sequence[Pair],
    fractions: Sequence[float | int | None] = (0.8, 0.2),
    seed: int = 0,
    group: Callable[[Pair], str] | None = None,
    shuffle: bool = True,
) -> tuple[list[Pair], ...]:
    """Split pairs into disjoint parts, keeping every group (scene) in one part.

    Split before any augmentation: a flipped copy of a training scene in the validation
    split measures memory, not generalisation.

    Taught in notebook 01, section 'Split by scene, before anything else'.

    Parameters
    ----------
    pairs : sequence of Pair
    fractions : sequence of float, or of int/None
        Floats summing to 1 give proportions (of groups); integers give exact counts of
        groups, with at most one ``None`` meaning "the rest".
    seed : int
        Seed of the shuffle.
    group : callable, optional
        Maps a pair to its scene; pairs of one scene never straddle two parts. By default
        every pair is its own scene.
    shuffle : bool, default True
        False keeps the input order (to reproduce "the first 30 are the test set").

    Returns
    -------
    tuple of lists of Pair, one per entry of ``fractions``.

    Examples
    --------
    The reports' splits:

    >>> train, val = split_pairs(pairs, (0.8, 0.2))  # doctest: +SKIP
    >>> train, val, test = split_pairs(pairs, (0.7, 0.2, 0.1))  # doctest: +SKIP
    >>> test, train, val = split_pairs(pairs, (30, 370, None), shuffle=False)  # doctest: +SKIP
    """
    key = group or (lambda p: str(p.low))
    groups: dict[str, list[Pair]] = {}
    for p in pairs:
        groups.setdefault(key(p), []).append(p)
    names = list(groups)
    if shuffle:
        random.Random(seed).shuffle(names)
    n = len(names)
    fr = list(fractions)
    if all(isinstance(f, int) or f is None for f in fr):
        if sum(f is None for f in fr) > 1:
            raise ValueError("at most one part may be None ('the rest')")
        fixed = sum(f for f in fr if f is not None)
        if fixed > n:
            raise ValueError(f"asked for {fixed} groups but there are only {n}")
        counts = [f if f is not None else n - fixed for f in fr]
    else:
        if any(f is None or f < 0 for f in fr) or abs(sum(fr) - 1.0) > 1e-6:
            raise ValueError(f"fractions must be non-negative and sum to 1, got {fr}")
        counts = _largest_remainder(fr, n)
    parts, start = [], 0
    for c in counts:
        parts.append([p for name in names[start : start + c] for p in groups[name]])
        start += c
    return tuple(parts)


def _largest_remainder(fractions: Sequence[float], n: int) -> list[int]:
    """Integer counts summing to ``n``; each non-zero fraction gets at least one if possible."""
    raw = [f * n for f in fractions]
    counts = [int(np.floor(r)) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True):
        if sum(counts) >= n:
            break
        counts[i] += 1
    for i, f in enumerate(fractions):  # do not leave a requested part empty
        if f > 0 and counts[i] == 0:
            j = int(np.argmax(counts))
            if counts[j] > 1:
                counts[j] -= 1
                counts[i] += 1
    return counts


# --------------------------------------------------------------------------------------
# The course's splits


@dataclasses.dataclass
class Splits:
    """Train, validation and test pairs, and where they came from.

    Indexable like a dict: ``splits["train"]``.
    """

    train: list[Pair]
    val: list[Pair]
    test: list[Pair]
    source: str
    root: Path

    def __getitem__(self, key: str) -> list[Pair]:
        if key not in ("train", "val", "test"):
            raise KeyError(key)
        return getattr(self, key)

    def __str__(self) -> str:
        return (
            f"{self.source} at {self.root}: {len(self.train)} train / {len(self.val)} val / "
            f"{len(self.test)} test pairs"
        )


def find_lol(data_dir: str | os.PathLike | None = None) -> Path | None:
    """Return the LOL folder if one is present, else None.

    Looks at ``data_dir``, then ``$LOWLIGHT_LOL_DIR``, then ``data/LOL`` under the current
    folder and its parent (so it works from the repository root and from ``notebooks/``).
    """
    candidates = [data_dir, os.environ.get("LOWLIGHT_LOL_DIR"), "data/LOL", "../data/LOL"]
    for c in candidates:
        if c and Path(c).is_dir() and _lol_root(Path(c)) is not None:
            return Path(c)
    return None


def course_splits(data_dir: str | os.PathLike | None = None, seed: int = 0,
                  task: str = "low-light") -> Splits:
    """The splits every notebook and the CLI use.

    * LOL (``data_dir``, ``$LOWLIGHT_LOL_DIR`` or ``data/LOL``): ``our485`` split 90/10 into
      train/validation (seeded), ``eval15`` is the test set, as in the literature. LOL is
      a low-light set: it is only looked for when ``task`` is ``"low-light"``.
    * The embedded sample of ``task`` (default when no LOL is found): split by scene with
      ``synthetic.SAMPLE_SPLIT``, so no test photograph is ever seen in training.
    * Any other folder with ``low/`` and ``high/``: split 70/15/15 by pair (seeded).

    Taught in notebook 01, section 'The data'; notebooks 03 to 06 take their splits from it.

    Parameters
    ----------
    data_dir : path, optional
        A data folder; default: LOL if present, else the embedded sample.
    seed : int
        Seed of the random splits.
    task : str
        ``"low-light"``, ``"noise"`` or ``"blur"`` (:data:`lowlight_utils.data.degradations.TASKS`):
        which embedded sample to use when ``data_dir`` is not given. A LOL folder given
        with another task is an error.

    Returns
    -------
    Splits
        ``.train``, ``.val``, ``.test`` (lists of :class:`Pair`), ``.source`` (``"LOL"``,
        ``"embedded sample"``, ``"folder"``) and ``.root``.

    Raises
    ------
    DatasetError
        If ``data_dir`` does not exist, or is a LOL folder and ``task`` is not
        ``"low-light"``.
    ValueError
        For an unknown ``task``.
    """
    from . import synthetic

    synthetic.check_task(task)
    if data_dir is not None:
        if not Path(data_dir).is_dir():
            raise DatasetError(f"data folder does not exist: {data_dir}")
        lol = Path(data_dir) if _lol_root(Path(data_dir)) is not None else None
        if lol is not None and task != "low-light":
            raise DatasetError(f"{data_dir} is a LOL (low-light) folder; it has no {task} pairs")
    else:
        lol = find_lol() if task == "low-light" else None
    if lol is not None:
        pairs = find_pairs(lol)
        train_pool = [p for p in pairs if p.subset == "our485"]
        test = [p for p in pairs if p.subset == "eval15"]
        train, val = split_pairs(train_pool, (0.9, 0.1), seed=seed)
        if not test:  # only our485 present
            train, val, test = split_pairs(train_pool, (0.8, 0.1, 0.1), seed=seed)
        return Splits(train, val, test, "LOL", lol)
    root = Path(data_dir) if data_dir is not None else synthetic.sample_dataset(task=task)
    pairs = find_pairs(root)
    if synthetic.is_sample(root):
        parts = {
            name: [p for p in pairs if synthetic.scene_of(p) in scenes]
            for name, scenes in synthetic.SAMPLE_SPLIT.items()
        }
        kind = synthetic.sample_task(root)
        source = "embedded sample" if kind == "low-light" else f"embedded sample ({kind})"
        return Splits(parts["train"], parts["val"], parts["test"], source, root)
    train, val, test = split_pairs(pairs, (0.7, 0.15, 0.15), seed=seed)
    return Splits(train, val, test, "folder", root)
