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
"""

from __future__ import annotations

import dataclasses
import os
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".gif")
LOL_SUBSETS = ("our485", "eval15")


class DatasetError(ValueError):
    """A data set or image that cannot be used; the message names the offending paths."""


@dataclasses.dataclass(frozen=True, order=True)
class Pair:
    """One low-light image and its normal-light reference.

    Attributes
    ----------
    low, high : pathlib.Path
        The two files.
    subset : str
        ``"our485"``/``"eval15"`` for LOL, ``""`` for the generic layout.
    """

    low: Path
    high: Path
    subset: str = ""

    @property
    def stem(self) -> str:
        """The shared file stem, e.g. ``"12"`` or ``"coffee__1"``."""
        return self.low.stem


def is_image_file(path: str | os.PathLike) -> bool:
    """True for a visible file whose extension is a supported image format."""
    p = Path(path)
    return p.is_file() and not p.name.startswith(".") and p.suffix.lower() in IMAGE_EXTENSIONS


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
# Reading and writing


def _open_verified(path: Path):
    """Open ``path`` with Pillow and decode it fully; raise DatasetError if that fails."""
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(path)
        img.load()  # a truncated file fails here ("image file is truncated")
    except FileNotFoundError as err:
        raise DatasetError(f"file not found: {path}") from err
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise DatasetError(f"cannot decode image {path}: {err}") from err
    return img


def _png_is_16bit_colour(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(26)
    # PNG signature (8) + IHDR length/type (8) + width/height (8) + bit depth + colour type
    return head[:8] == b"\x89PNG\r\n\x1a\n" and head[24] == 16 and head[25] in (2, 6)


def _apply_orientation(arr: np.ndarray, orientation: int) -> np.ndarray:
    """Apply an EXIF orientation tag (1-8) to an HxWxC array."""
    ops = {
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1],
        5: lambda a: np.swapaxes(a, 0, 1),
        6: lambda a: np.rot90(a, -1),
        7: lambda a: np.swapaxes(a[::-1, ::-1], 0, 1),
        8: lambda a: np.rot90(a, 1),
    }
    return np.ascontiguousarray(ops[orientation](arr)) if orientation in ops else arr


def load_image(path: str | os.PathLike) -> np.ndarray:
    """Read an image as float32 RGB in [0, 1], shape (H, W, 3).

    8- and 16-bit files, grayscale (repeated to three channels), RGBA (alpha dropped) and
    palette images are accepted; the EXIF orientation is applied, so a phone photo comes
    out the way it was shot.

    Raises
    ------
    DatasetError
        If the file is missing, corrupt, truncated or in a mode that cannot be converted.

    Examples
    --------
    >>> img = load_image(path)  # doctest: +SKIP
    >>> img.dtype, img.shape[-1], float(img.max()) <= 1.0  # doctest: +SKIP
    (dtype('float32'), 3, True)
    """
    from PIL import ImageOps

    path = Path(path)
    img = _open_verified(path)
    if img.format in ("PNG", "TIFF") and (img.format == "TIFF" or _png_is_16bit_colour(path)):
        # Pillow reduces 16-bit colour to 8 bits; OpenCV keeps the full depth.
        import cv2

        raw = cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_UNCHANGED)
        if raw is None:
            raise DatasetError(f"cannot decode image {path} with OpenCV")
        if raw.ndim == 3:
            raw = cv2.cvtColor(raw[..., :3], cv2.COLOR_BGR2RGB)
        orientation = img.getexif().get(0x0112, 1)
        arr = _apply_orientation(_to_float(raw, path), orientation)
    else:
        img = ImageOps.exif_transpose(img)
        arr = _pil_to_float(img, path)
    if arr.ndim == 2:
        arr = np.repeat(arr[..., None], 3, axis=-1)
    return np.ascontiguousarray(arr[..., :3], dtype=np.float32)


def _to_float(raw: np.ndarray, path: Path) -> np.ndarray:
    if raw.dtype == np.uint8:
        return raw.astype(np.float32) / 255.0
    if raw.dtype == np.uint16:
        return raw.astype(np.float32) / 65535.0
    if raw.dtype.kind == "f":
        return np.clip(raw.astype(np.float32), 0.0, 1.0)
    raise DatasetError(f"unsupported pixel type {raw.dtype} in {path}")


def _pil_to_float(img, path: Path) -> np.ndarray:
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        return np.asarray(img, dtype=np.float32) / 65535.0
    if mode == "I":  # 32-bit int container; Pillow uses it for 16-bit grayscale PNGs
        arr = np.asarray(img)
        return arr.astype(np.float32) / (65535.0 if arr.max() > 255 else 255.0)
    if mode == "F":
        return np.clip(np.asarray(img, dtype=np.float32), 0.0, 1.0)
    if mode in ("1", "L", "LA", "P", "PA", "RGB", "RGBA", "RGBX", "CMYK", "YCbCr", "LAB", "HSV"):
        return np.asarray(img.convert("RGB"), dtype=np.float32) / 255.0
    raise DatasetError(f"unsupported image mode {mode!r} in {path}")


def save_image(
    path: str | os.PathLike, image, overwrite: bool = False, quality: int = 95
) -> Path:
    """Write a float image in [0, 1] as an 8-bit PNG or JPEG (chosen by the extension).

    Parameters
    ----------
    path : path
        Destination; parent folders are created.
    image : array-like, (H, W, 3) or (H, W)
        Values are clipped to [0, 1] and rounded to 8 bits.
    overwrite : bool, default False
        An existing file is never replaced unless this is True.
    quality : int
        JPEG quality.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is False.
    """
    from PIL import Image

    path = Path(path)
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        raise ValueError(f"save_image writes .png or .jpg files, not {path.suffix!r}: {path}")
    if path.exists() and not overwrite:
        raise FileExistsError(f"refusing to overwrite {path} (pass overwrite=True)")
    arr = np.asarray(image, dtype=np.float32)
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] != 3):
        raise ValueError(f"expected an (H, W, 3) or (H, W) image, got shape {arr.shape}")
    u8 = np.round(np.clip(np.nan_to_num(arr), 0.0, 1.0) * 255.0).astype(np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    kwargs = {"quality": quality} if path.suffix.lower() in (".jpg", ".jpeg") else {}
    Image.fromarray(u8).save(tmp, format="JPEG" if kwargs else "PNG", **kwargs)
    os.replace(tmp, path)  # never leave a half-written image under the real name
    return path


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
# tf.data


@dataclasses.dataclass(frozen=True)
class Augment:
    """Paired augmentation: one random draw applied identically to low and high.

    The defaults are the ranges of the Pix2Pix + WGAN-GP low-light report.

    Attributes
    ----------
    flips : bool
        Random horizontal and vertical flips.
    rot90 : bool
        Random multiples of 90 degrees (only when the crop is square or absent).
    crop_resize : float
        Probability of cutting up to 10 % off the borders and resizing back.
    crop_resize_fraction : float
        The border fraction for ``crop_resize`` (0.1 in the report).
    contrast, saturation : (float, float)
        Ranges of the contrast and saturation factors.
    hue : float
        Maximum absolute hue shift (fraction of a turn).
    jitter : float
        Probability of applying the colour jitter to a given pair.
    """

    flips: bool = True
    rot90: bool = True
    crop_resize: float = 0.0
    crop_resize_fraction: float = 0.1
    contrast: tuple[float, float] = (0.8, 1.2)
    saturation: tuple[float, float] = (0.8, 1.2)
    hue: float = 0.02
    jitter: float = 0.0


#: The WGAN-GP report's augmentation: flips, the 10 % crop-and-resize and colour jitter.
REPORT_AUGMENT = Augment(flips=True, rot90=False, crop_resize=0.5, jitter=0.5)


def _augment_pair(low, high, seed, aug: Augment, crop: int | None):
    import tensorflow as tf

    seeds = tf.random.experimental.stateless_split(seed, num=10)
    both = tf.concat([low, high], axis=-1)  # one tensor, so every geometric op is shared
    if aug.crop_resize > 0:
        h = tf.cast(tf.shape(both)[0], tf.float32)
        w = tf.cast(tf.shape(both)[1], tf.float32)
        frac = tf.random.stateless_uniform([], seeds[0], 0.0, aug.crop_resize_fraction)
        do = tf.random.stateless_uniform([], seeds[1]) < aug.crop_resize
        ch = tf.cast(h * (1.0 - frac), tf.int32)
        cw = tf.cast(w * (1.0 - frac), tf.int32)
        cut = tf.image.stateless_random_crop(both, tf.stack([ch, cw, 6]), seeds[2])
        resized = tf.image.resize(cut, tf.cast(tf.stack([h, w]), tf.int32), antialias=True)
        both = tf.cond(do, lambda: resized, lambda: both)
    if crop:
        both = tf.image.stateless_random_crop(both, [crop, crop, 6], seeds[3])
    if aug.flips:
        both = tf.image.stateless_random_flip_left_right(both, seeds[4])
        both = tf.image.stateless_random_flip_up_down(both, seeds[5])
    if aug.rot90 and crop:
        k = tf.random.stateless_uniform([], seeds[6], 0, 4, dtype=tf.int32)
        both = tf.image.rot90(both, k)
    low, high = both[..., :3], both[..., 3:]
    if aug.jitter > 0:
        c = tf.random.stateless_uniform([], seeds[7], *aug.contrast)
        s, hshift = tf.unstack(
            tf.random.stateless_uniform([2], seeds[8], [aug.saturation[0], -aug.hue],
                                        [aug.saturation[1], aug.hue])
        )
        do = tf.random.stateless_uniform([], seeds[9]) < aug.jitter

        def jitter(x):
            x = tf.image.adjust_contrast(x, c)
            x = tf.image.adjust_saturation(x, s)
            x = tf.image.adjust_hue(x, hshift)
            return tf.clip_by_value(x, 0.0, 1.0)

        low, high = tf.cond(do, lambda: (jitter(low), jitter(high)), lambda: (low, high))
    return low, high


def make_dataset(
    pairs: Sequence[Pair],
    crop: int | None = None,
    batch_size: int = 1,
    augment: bool | Augment = False,
    value_range: tuple[float, float] = (0.0, 1.0),
    cache: bool = False,
    shuffle: bool = False,
    seed: int = 0,
    repeat: bool = False,
    prefetch: bool = True,
):
    """Build a ``tf.data`` pipeline of ``(low, high)`` batches.

    Decoding runs in parallel (:func:`load_image` through ``tf.numpy_function``, so 16-bit
    files and EXIF orientation behave exactly as everywhere else), then optional caching of
    the decoded images, shuffling, paired augmentation, cropping, batching and prefetching.

    Parameters
    ----------
    pairs : sequence of Pair
    crop : int, optional
        Side of a random square crop taken at the same place in both images. Without a
        crop, images of different sizes can only be batched with ``batch_size=1``.
    batch_size : int
    augment : bool or Augment
        ``True`` means ``Augment()`` (flips and 90-degree rotations).
    value_range : (float, float)
        Output range; (0, 1) by default. Models rescale inside themselves, so only use
        (-1, 1) to look at what a [-1, 1] network sees.
    cache : bool
        Keep decoded images in memory after the first pass.
    shuffle : bool
        Shuffle pairs every epoch (seeded).
    seed : int
        Seed for shuffling and augmentation; the same seed gives the same batches.
    repeat : bool
        Repeat forever (use with ``steps_per_epoch``).
    prefetch : bool
        Overlap input preparation with training (``AUTOTUNE``).

    Returns
    -------
    tf.data.Dataset
        Elements ``(low, high)``, float32, shape ``(batch, crop, crop, 3)``.
    """
    import tensorflow as tf

    if not pairs:
        raise DatasetError("make_dataset got no pairs (is the split empty?)")
    if augment is True:
        augment = Augment()
    lows = [str(p.low) for p in pairs]
    highs = [str(p.high) for p in pairs]

    def decode(lp, hp):
        def read(path):
            return load_image(path.decode() if isinstance(path, bytes) else str(path))

        low = tf.numpy_function(read, [lp], tf.float32, stateful=False)
        high = tf.numpy_function(read, [hp], tf.float32, stateful=False)
        low.set_shape([None, None, 3])
        high.set_shape([None, None, 3])
        return low, high

    ds = tf.data.Dataset.from_tensor_slices((lows, highs))
    ds = ds.map(decode, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if cache:
        ds = ds.cache()
    if shuffle:
        ds = ds.shuffle(len(pairs), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    if augment or crop:
        aug = augment if isinstance(augment, Augment) else Augment(flips=False, rot90=False)
        seeds = tf.data.Dataset.random(seed=seed).batch(2)
        ds = tf.data.Dataset.zip((ds, seeds)).map(
            lambda lh, s: _augment_pair(lh[0], lh[1], s, aug, crop),
            num_parallel_calls=tf.data.AUTOTUNE,
            deterministic=True,
        )
    lo, hi = value_range
    if (lo, hi) != (0.0, 1.0):
        ds = ds.map(lambda a, b: (a * (hi - lo) + lo, b * (hi - lo) + lo))
    ds = ds.batch(batch_size, drop_remainder=repeat)
    if prefetch:
        ds = ds.prefetch(tf.data.AUTOTUNE)
    return ds


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


def course_splits(data_dir: str | os.PathLike | None = None, seed: int = 0) -> Splits:
    """The splits every notebook and the CLI use.

    * LOL (``data_dir``, ``$LOWLIGHT_LOL_DIR`` or ``data/LOL``): ``our485`` split 90/10 into
      train/validation (seeded), ``eval15`` is the test set, as in the literature.
    * The embedded sample (default when no LOL is found): split by scene with
      ``synthetic.SAMPLE_SPLIT``, so no test photograph is ever seen in training.
    * Any other folder with ``low/`` and ``high/``: split 70/15/15 by pair (seeded).

    Parameters
    ----------
    data_dir : path, optional
        A data folder; default: LOL if present, else the embedded sample.
    seed : int
        Seed of the random splits.
    """
    from . import synthetic

    if data_dir is not None:
        if not Path(data_dir).is_dir():
            raise DatasetError(f"data folder does not exist: {data_dir}")
        lol = Path(data_dir) if _lol_root(Path(data_dir)) is not None else None
    else:
        lol = find_lol()
    if lol is not None:
        pairs = find_pairs(lol)
        train_pool = [p for p in pairs if p.subset == "our485"]
        test = [p for p in pairs if p.subset == "eval15"]
        train, val = split_pairs(train_pool, (0.9, 0.1), seed=seed)
        if not test:  # only our485 present
            train, val, test = split_pairs(train_pool, (0.8, 0.1, 0.1), seed=seed)
        return Splits(train, val, test, "LOL", lol)
    root = Path(data_dir) if data_dir is not None else synthetic.sample_dataset()
    pairs = find_pairs(root)
    if synthetic.is_sample(root):
        parts = {
            name: [p for p in pairs if synthetic.scene_of(p) in scenes]
            for name, scenes in synthetic.SAMPLE_SPLIT.items()
        }
        return Splits(parts["train"], parts["val"], parts["test"], "embedded sample", root)
    train, val, test = split_pairs(pairs, (0.7, 0.15, 0.15), seed=seed)
    return Splits(train, val, test, "folder", root)
