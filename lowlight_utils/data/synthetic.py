"""The embedded default data set: bundled photographs, spoilt by a task's degradation.

The degradations themselves live in :mod:`lowlight_utils.data.degradations` (re-exported here)
and :mod:`lowlight_utils.data.camera`. Low light has two models (``darkening``):

``"camera"`` (the default since sample version 3)
    :func:`lowlight_utils.data.camera.synthesize_camera_low_light`: the photograph is
    "unprocessed" to a camera's raw data (Brooks et al., CVPR 2019), lit by a dim lamp whose
    light falls off across the scene, vignetted, coloured (tungsten, fluorescent, daylight),
    given the paper's shot and read noise, and processed back with a white balance measured
    from the dark image, demosaicing, colour correction, gamma and tone curve. One global
    curve cannot undo it.
``"exposure"`` (versions 1 and 2)
    :func:`synthesize_low_light`, below: one brightness scale plus noise.

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

from .degradations import (  # noqa: F401  (re-exported: the darkening model lives there)
    DARKENINGS,
    TASKS,
    check_darkening,
    check_task,
    degrade,
    linear_to_srgb,
    srgb_to_linear,
    synthesize_low_light,
)
from .io import Pair, load_image, save_image

#: Version of the default (low-light, camera-darkened) sample. The exposure-darkened and the
#: noise and blur samples are unchanged since version 2, and keep its number and folders.
SAMPLE_VERSION = 3


# --------------------------------------------------------------------------------------
# The embedded default data set

#: Source photographs: name -> (where it ships, file name). All are in installed packages.
#: Every natural colour photograph that scikit-image and matplotlib ship; data/README.md
#: lists them with their licences and the bundled images left out (and why).
SAMPLE_SOURCES = {
    "astronaut": ("skimage", "astronaut.png"),
    "chelsea": ("skimage", "chelsea.png"),
    "coffee": ("skimage", "coffee.png"),
    "rocket": ("skimage", "rocket.jpg"),
    "motorcycle_left": ("skimage", "motorcycle_left.png"),
    "motorcycle_right": ("skimage", "motorcycle_right.png"),
    "grace_hopper": ("matplotlib", "grace_hopper.jpg"),
    "ihc": ("skimage", "ihc.png"),
    "retina": ("skimage", "retina.jpg"),
}

#: Seed index of each source. The first seven are the sorted names of version 1, so their
#: pairs are byte-identical to it; sources added later are appended.
_SEED_ORDER = ("astronaut", "chelsea", "coffee", "grace_hopper", "motorcycle_left",
               "motorcycle_right", "rocket", "ihc", "retina")

#: Scenes: the two views of the stereo motorcycle pair are one scene.
SCENES = {name: name.split("_")[0] if name.startswith("motorcycle") else name
          for name in SAMPLE_SOURCES}

#: Which scenes go where. Test and validation scenes are never seen in training. The test
#: and validation scenes are those of version 1; the photographs added since train.
SAMPLE_SPLIT = {
    "train": ("astronaut", "ihc", "motorcycle", "retina", "rocket"),
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
    """Scene of a sample pair, from its stem ``<source>__v<k>`` (e.g. ``motorcycle``).

    The two halves of the motorcycle photograph are one scene: they must land in the same
    split (:data:`SAMPLE_SPLIT`).

    Taught in notebook 01, section 'Split by scene, before anything else'; notebooks 02 and 05
    group test images by scene with it.

    Parameters
    ----------
    pair : Pair
        A pair of the embedded sample (any pair: its stem before ``__``).

    Returns
    -------
    str
        The scene's name.

    Examples
    --------
    >>> pair = Pair(Path("low/motorcycle_left__v2.png"), Path("high/motorcycle_left__v2.png"))
    >>> scene_of(pair)
    'motorcycle'
    """
    source = pair.stem.split("__")[0]
    return SCENES.get(source, source)


def default_data_dir() -> Path:
    """Where generated data lives: ``$LOWLIGHT_DATA_DIR`` or ``~/.cache/lowlight_utils``."""
    env = os.environ.get("LOWLIGHT_DATA_DIR")
    return Path(env) if env else Path.home() / ".cache" / "lowlight_utils"


def _sample_version(task: str = "low-light", darkening: str = "camera") -> int:
    """3 for the camera-darkened low-light sample; 2 for the others (unchanged since)."""
    return SAMPLE_VERSION if (task, darkening) == ("low-light", "camera") else 2


def _sample_params(variants: int, seed: int, task: str = "low-light",
                   darkening: str = "camera") -> dict:
    from .degradations import BLUR_NOISE

    model = {"low-light": "synthesize_low_light defaults", "noise": "synthesize_noise defaults",
             "blur": f"synthesize_blur sigma 1.0 noise {BLUR_NOISE}"}[task]
    if (task, darkening) == ("low-light", "camera"):
        model = "synthesize_camera_low_light defaults"
    params = {
        "version": _sample_version(task, darkening),
        "variants": variants,
        "seed": seed,
        "sources": sorted(SAMPLE_SOURCES),
        "model": model,
    }
    if task != "low-light":
        params["task"] = task
    return params


def sample_root(task: str = "low-light", darkening: str = "camera") -> Path:
    """Default folder of the embedded sample of ``task`` under :func:`default_data_dir`.

    ``sample-v3`` (low light, camera model), ``sample-v2`` (low light, exposure model: the
    version-2 sample), ``sample-v2-noise``, ``sample-v2-blur``.
    """
    suffix = "" if check_task(task) == "low-light" else f"-{task}"
    version = _sample_version(task, check_darkening(darkening))
    return default_data_dir() / f"sample-v{version}{suffix}"


def sample_dataset(root: str | os.PathLike | None = None, variants: int = 4, seed: int = 0,
                   verbose: bool = False, task: str = "low-light",
                   darkening: str = "camera") -> Path:
    """Write (once) and return the embedded paired data set of a task.

    Each source photograph gets ``variants`` degraded versions (seeded: for low light,
    different cameras, lights, exposures and noise), written as ``low/<source>__v<k>.png`` with the clean
    photograph as ``high/<source>__v<k>.png``: the generic layout :func:`find_pairs` reads.
    The folder names stay ``low``/``high`` for every task (degraded/clean).
    A ``manifest.json`` records how it was made; a second call with the same settings reuses
    the files, and a folder made with other settings is never overwritten.

    Used in notebook 01, section 'Is it like real low light?';
    :func:`lowlight_utils.data.course_splits` calls it in every notebook.

    Parameters
    ----------
    root : path, optional
        Destination folder; default :func:`sample_root` of the task and darkening
        (``default_data_dir() / "sample-v3"`` for low light, ``sample-v2-noise``, ...).
    variants : int
        Darkened versions per photograph.
    seed : int
        Base seed; variant ``k`` of source ``i`` (its place in ``_SEED_ORDER``) uses
        ``seed * 1000 + 10 * i + k``.
    task : str
        One of :data:`~lowlight_utils.data.degradations.TASKS`.
    darkening : str
        For low light, ``"camera"`` (default; version 3) or ``"exposure"`` (the version-2
        sample, byte-identical); see :data:`~lowlight_utils.data.degradations.DARKENINGS`.
        Ignored by the other tasks.

    Returns
    -------
    pathlib.Path
        The folder, containing ``low/``, ``high/`` and ``manifest.json``.

    Raises
    ------
    FileExistsError
        If ``root`` holds something other than this exact sample.
    """
    check_darkening(darkening)
    if check_task(task) != "low-light":
        darkening = "camera"  # ignored: one noise and one blur sample
    root = Path(root) if root is not None else sample_root(task, darkening)
    params = _sample_params(variants, seed, task, darkening)
    if _holds_sample(root, params):
        return root
    if (root / "manifest.json").exists():
        raise FileExistsError(
            f"{root} holds a sample made with other settings or missing files; "
            "remove it or choose another root"
        )
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} exists and is not an embedded sample; choose another root")
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".sample-", dir=root.parent))
    try:
        files, names = [], sorted(SAMPLE_SOURCES)
        for name, written in zip(names, _write_sources(tmp, names, variants, seed, task,
                                                       darkening), strict=True):
            files += written
            if verbose:
                print(f"  {name}: {variants} pairs")
        digest = hashlib.sha256()
        for f in files:
            digest.update((tmp / f).read_bytes())
        (tmp / "manifest.json").write_text(
            json.dumps({"params": params, "files": files, "sha256": digest.hexdigest()}, indent=1)
        )
        try:
            if root.exists():
                root.rmdir()  # empty (checked above)
            os.replace(tmp, root)
        except OSError:
            # another process (make test runs the notebooks beside make smoke) made the
            # same sample in the meantime: keep its copy, which is what this one would be
            if not _holds_sample(root, params):
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return root


def _write_sources(tmp: Path, names: list[str], variants: int, seed: int, task: str,
                   darkening: str = "camera"):
    """Write every source's pairs into ``tmp``, sources side by side on the cores (NumPy and
    Pillow's PNG encoder release the GIL); each source's files, in :func:`sample_dataset`'s
    order. The clean photograph is encoded once and its bytes copied to the other variants:
    the same files as encoding it each time."""
    from .._shared.parallel import thread_map

    def write(name: str) -> list[str]:
        i = _SEED_ORDER.index(name)
        high = load_image(source_path(name))
        files = []
        for k in range(variants):
            stem = f"{name}__v{k}"
            low = degrade(high, task, seed=seed * 1000 + 10 * i + k, darkening=darkening)
            save_image(tmp / "low" / f"{stem}.png", low)
            if k == 0:
                save_image(tmp / "high" / f"{stem}.png", high)
            else:
                shutil.copyfile(tmp / "high" / f"{name}__v0.png", tmp / "high" / f"{stem}.png")
            files += [f"low/{stem}.png", f"high/{stem}.png"]
        return files

    return thread_map(write, names)  # save_image makes the folders


def _holds_sample(root: Path, params: dict) -> bool:
    """True when ``root`` holds a complete sample made with ``params``."""
    manifest = root / "manifest.json"
    if not manifest.is_file():
        return False
    found = json.loads(manifest.read_text())
    return found.get("params") == params and all((root / f).is_file() for f in found["files"])


def sample_task(root: str | os.PathLike) -> str | None:
    """The task of the embedded sample in ``root``, or None if it is not one."""
    if not is_sample(root):
        return None
    params = json.loads((Path(root) / "manifest.json").read_text())["params"]
    return params.get("task", "low-light")


def sample_darkening(root: str | os.PathLike) -> str | None:
    """The darkening model (``"camera"`` or ``"exposure"``) of a low-light embedded sample in
    ``root``; None if it is not one.

    Used in notebook 01, section 'Is it like real low light?'.

    Parameters
    ----------
    root : str or os.PathLike
        A data folder, e.g. :func:`sample_dataset`'s or ``course_splits().root``.

    Returns
    -------
    str or None
        ``"camera"`` or ``"exposure"`` (read from the sample's ``manifest.json``); None for
        a folder that is not a low-light embedded sample (LOL, a noise or blur sample, any
        other folder).
    """
    if sample_task(root) != "low-light":
        return None
    model = json.loads((Path(root) / "manifest.json").read_text())["params"]["model"]
    return "camera" if model.startswith("synthesize_camera_low_light") else "exposure"


def is_sample(root: str | os.PathLike) -> bool:
    """True when ``root`` was written by :func:`sample_dataset` (any task)."""
    manifest = Path(root) / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        return json.loads(manifest.read_text()).get("params", {}).get("sources") == sorted(
            SAMPLE_SOURCES
        )
    except (ValueError, AttributeError):
        return False
