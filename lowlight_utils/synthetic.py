"""Synthetic low light, and the embedded default data set built with it.

A low-light photograph is dark because few photons reached the sensor, and it is noisy for
the same reason. :func:`synthesize_low_light` follows that path instead of just scaling
pixel values:

1. sRGB to linear light (the sRGB curve is undone: pixel values are not proportional to
   light, photon counts are);
2. exposure scale: multiply the light by ``exposure`` (0.05 is about 4.3 stops under);
3. sensor noise: Poisson shot noise on the photo-electron count (``full_well`` electrons at
   white for a normal exposure), plus Gaussian read noise (``read_noise`` electrons);
4. back to sRGB and 8-bit quantisation, as a camera writes a file; dark regions keep only a
   handful of levels, which is part of what makes enhancement hard.

Real low-light captures such as LOL's low images have a mean sRGB value of roughly 0.05-0.2
and visible chroma noise once brightened; the defaults land there (see notebook 01).

:func:`sample_dataset` builds the course's default data from photographs that ship inside
installed packages (scikit-image's data folder and matplotlib's sample data), so nothing is
downloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from .image_io import Pair, load_image, save_image

SAMPLE_VERSION = 1


def srgb_to_linear(x: np.ndarray) -> np.ndarray:
    """Undo the sRGB transfer curve (IEC 61966-2-1); input and output in [0, 1]."""
    x = np.asarray(x, dtype=np.float64)
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(x: np.ndarray) -> np.ndarray:
    """Apply the sRGB transfer curve to linear light in [0, 1]."""
    x = np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0)
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * x ** (1 / 2.4) - 0.055)


def synthesize_low_light(
    image: np.ndarray,
    seed: int,
    exposure: float | tuple[float, float] = (0.03, 0.12),
    full_well: float = 2000.0,
    read_noise: float = 2.0,
    bits: int = 8,
) -> np.ndarray:
    """Darken a well-exposed sRGB image the way a short exposure would.

    Parameters
    ----------
    image : ndarray, (H, W, 3), float in [0, 1]
        A normally exposed sRGB image.
    seed : int
        Seeds the exposure draw and the noise; the same seed gives the same image.
    exposure : float or (float, float)
        Fraction of the normal exposure. A pair is a range; the value is drawn
        log-uniformly from it. 0.03-0.12 (3-5 stops under) gives images as dark as LOL's.
    full_well : float
        Photo-electrons a white pixel collects at normal exposure. Small phone sensors at
        high ISO collect a few thousand; fewer electrons means more shot noise.
    read_noise : float
        Standard deviation of the Gaussian read noise, in electrons (1-5 for modern sensors).
    bits : int
        Quantisation of the written file (8 for PNG/JPEG).

    Returns
    -------
    ndarray, float32, same shape, values on the 2**bits - 1 grid in [0, 1].

    Examples
    --------
    >>> img = np.full((4, 4, 3), 0.5, dtype=np.float32)
    >>> low = synthesize_low_light(img, seed=0)
    >>> bool(low.mean() < 0.25)
    True
    """
    img = np.asarray(image, dtype=np.float64)
    if img.ndim != 3 or img.shape[-1] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got shape {img.shape}")
    rng = np.random.default_rng(seed)
    if isinstance(exposure, tuple | list):
        lo, hi = exposure
        exposure = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    if not 0 < exposure <= 1:
        raise ValueError(f"exposure must be in (0, 1], got {exposure}")
    electrons = srgb_to_linear(img) * exposure * full_well
    noisy = rng.poisson(electrons) + rng.normal(0.0, read_noise, size=img.shape)
    linear = np.clip(noisy / full_well, 0.0, 1.0)
    levels = 2**bits - 1
    return (np.round(linear_to_srgb(linear) * levels) / levels).astype(np.float32)


# --------------------------------------------------------------------------------------
# The embedded default data set

#: Source photographs: name -> (where it ships, file name). All are in installed packages.
SAMPLE_SOURCES = {
    "astronaut": ("skimage", "astronaut.png"),
    "chelsea": ("skimage", "chelsea.png"),
    "coffee": ("skimage", "coffee.png"),
    "rocket": ("skimage", "rocket.jpg"),
    "motorcycle_left": ("skimage", "motorcycle_left.png"),
    "motorcycle_right": ("skimage", "motorcycle_right.png"),
    "grace_hopper": ("matplotlib", "grace_hopper.jpg"),
}

#: Scenes: the two views of the stereo motorcycle pair are one scene.
SCENES = {name: name.split("_")[0] if name.startswith("motorcycle") else name
          for name in SAMPLE_SOURCES}

#: Which scenes go where. Test and validation scenes are never seen in training.
SAMPLE_SPLIT = {
    "train": ("astronaut", "motorcycle", "rocket"),
    "val": ("grace_hopper",),
    "test": ("chelsea", "coffee"),
}


def source_path(name: str) -> Path:
    """Path of a sample source photograph inside its installed package."""
    where, fname = SAMPLE_SOURCES[name]
    if where == "skimage":
        import skimage.data

        return Path(skimage.data.__file__).parent / fname
    import matplotlib

    return Path(matplotlib.get_data_path()) / "sample_data" / fname


def scene_of(pair: Pair) -> str:
    """Scene of a sample pair, from its stem ``<source>__v<k>`` (e.g. ``motorcycle``)."""
    source = pair.stem.split("__")[0]
    return SCENES.get(source, source)


def default_data_dir() -> Path:
    """Where generated data lives: ``$LOWLIGHT_DATA_DIR`` or ``~/.cache/lowlight_utils``."""
    env = os.environ.get("LOWLIGHT_DATA_DIR")
    return Path(env) if env else Path.home() / ".cache" / "lowlight_utils"


def _sample_params(variants: int, seed: int) -> dict:
    return {
        "version": SAMPLE_VERSION,
        "variants": variants,
        "seed": seed,
        "sources": sorted(SAMPLE_SOURCES),
        "model": "synthesize_low_light defaults",
    }


def sample_dataset(root: str | os.PathLike | None = None, variants: int = 4, seed: int = 0,
                   verbose: bool = False) -> Path:
    """Write (once) and return the embedded paired data set.

    Each of the seven source photographs gets ``variants`` darkened versions with different
    exposures and noise (seeded), written as ``low/<source>__v<k>.png`` with the clean
    photograph as ``high/<source>__v<k>.png``: the generic layout :func:`find_pairs` reads.
    A ``manifest.json`` records how it was made; a second call with the same settings reuses
    the files, and a folder made with other settings is never overwritten.

    Parameters
    ----------
    root : path, optional
        Destination folder; default ``default_data_dir() / "sample-v1"``.
    variants : int
        Darkened versions per photograph.
    seed : int
        Base seed; variant ``k`` of source ``i`` uses ``seed * 1000 + 10 * i + k``.

    Returns
    -------
    pathlib.Path
        The folder, containing ``low/``, ``high/`` and ``manifest.json``.

    Raises
    ------
    FileExistsError
        If ``root`` holds something other than this exact sample.
    """
    root = Path(root) if root is not None else default_data_dir() / f"sample-v{SAMPLE_VERSION}"
    params = _sample_params(variants, seed)
    manifest = root / "manifest.json"
    if manifest.exists():
        found = json.loads(manifest.read_text())
        if found.get("params") == params and all((root / f).is_file() for f in found["files"]):
            return root
        raise FileExistsError(
            f"{root} holds a sample made with other settings or missing files; "
            "remove it or choose another root"
        )
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} exists and is not an embedded sample; choose another root")
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".sample-", dir=root.parent))
    try:
        files = []
        for i, name in enumerate(sorted(SAMPLE_SOURCES)):
            high = load_image(source_path(name))
            for k in range(variants):
                stem = f"{name}__v{k}"
                low = synthesize_low_light(high, seed=seed * 1000 + 10 * i + k)
                save_image(tmp / "low" / f"{stem}.png", low)
                save_image(tmp / "high" / f"{stem}.png", high)
                files += [f"low/{stem}.png", f"high/{stem}.png"]
            if verbose:
                print(f"  {name}: {variants} pairs")
        digest = hashlib.sha256()
        for f in files:
            digest.update((tmp / f).read_bytes())
        (tmp / "manifest.json").write_text(
            json.dumps({"params": params, "files": files, "sha256": digest.hexdigest()}, indent=1)
        )
        if root.exists():
            root.rmdir()  # empty (checked above)
        os.replace(tmp, root)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return root


def is_sample(root: str | os.PathLike) -> bool:
    """True when ``root`` was written by :func:`sample_dataset`."""
    manifest = Path(root) / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        return json.loads(manifest.read_text()).get("params", {}).get("sources") == sorted(
            SAMPLE_SOURCES
        )
    except (ValueError, AttributeError):
        return False
