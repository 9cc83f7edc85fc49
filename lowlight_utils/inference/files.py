"""Enhancing image files and folders, never writing into the inputs or over earlier outputs."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .images import enhance_image


@dataclasses.dataclass
class EnhanceSummary:
    """What :func:`enhance_folder` / :func:`enhance_files` did.

    Attributes
    ----------
    written : list of Path
        Output files written.
    failed : dict of Path -> str
        Inputs that could not be processed, with the reason.
    """

    written: list[Path] = dataclasses.field(default_factory=list)
    failed: dict[Path, str] = dataclasses.field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every input was enhanced."""
        return not self.failed

    def __str__(self) -> str:
        lines = [f"{len(self.written)} image(s) written, {len(self.failed)} failed"]
        lines += [f"  could not process {p}: {why}" for p, why in self.failed.items()]
        return "\n".join(lines)


def _is_within(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _as_function(model, training: bool | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """A keras model goes through :func:`enhance_image`; any other callable is used as is."""
    import keras

    if isinstance(model, keras.Model):
        kwargs = {} if training is None else {"training": training}
        return lambda img: enhance_image(model, img, **kwargs)
    if training is not None:
        raise ValueError("training= applies to a keras.Model only, not to a function "
                         f"{getattr(model, '__name__', model)!r}")
    if callable(model):
        return model
    raise TypeError(f"expected a keras.Model or a function image -> image, got {type(model)}")


def enhance_files(
    model,
    files: Sequence[str | os.PathLike],
    out_dir: str | os.PathLike,
    overwrite: bool = False,
    progress: bool = True,
    protected: Sequence[str | os.PathLike] = (),
    training: bool | None = None,
) -> EnhanceSummary:
    """Enhance image files into ``out_dir`` as ``<stem>.png``.

    Parameters
    ----------
    model : keras.Model or callable
        A model (run by :func:`enhance_image`) or a function image -> image such as the
        entries of ``lowlight_utils.classical.lowlight.BASELINES``.
    files : sequence of paths
    out_dir : path
        Created if needed. Must not be a folder holding any of the inputs, nor lie inside
        one of ``protected``.
    overwrite : bool
        Existing outputs are an error unless True (checked before any work is done).
    progress : bool
        Show a progress bar.
    protected : sequence of paths
        Folders that must not be written into (the input folders).
    training : bool, optional
        For a keras model: :func:`enhance_image`'s ``training`` (False: inference mode;
        True: batch statistics and dropout, as pix2pix tests); default its default.

    Returns
    -------
    EnhanceSummary
        Unreadable inputs are listed in ``failed``; the others are still processed.

    Raises
    ------
    ValueError
        If ``out_dir`` is an input folder or inside a protected one, two inputs share a
        file stem (they would write the same output), or ``training`` is given with a
        function instead of a keras model.
    FileExistsError
        If outputs exist and ``overwrite`` is False; names them.
    """
    from ..data import load_image, save_image

    out_dir = Path(out_dir)
    files = [Path(f) for f in files]
    for folder in map(Path, protected):
        if _is_within(out_dir, folder):
            raise ValueError(
                f"refusing to write into the input folder {folder}: choose an output folder "
                f"outside it (got {out_dir})"
            )
    for folder in {f.parent for f in files}:
        if out_dir.resolve() == folder.resolve():
            raise ValueError(
                f"refusing to write next to the inputs in {folder}: choose another output folder"
            )
    targets: dict[Path, Path] = {}
    for f in files:
        target = out_dir / f"{f.stem}.png"
        if target in targets.values():
            other = next(k for k, v in targets.items() if v == target)
            raise ValueError(f"{other} and {f} would both be written to {target}")
        targets[f] = target
    existing = [t for t in targets.values() if t.exists()]
    if existing and not overwrite:
        names = ", ".join(str(t) for t in existing[:5]) + (" ..." if len(existing) > 5 else "")
        raise FileExistsError(
            f"{len(existing)} output(s) already exist ({names}); pass overwrite=True "
            "(--overwrite) to replace them"
        )
    fn = _as_function(model, training)
    summary = EnhanceSummary()
    bar = _progress(len(files)) if progress else None
    for i, (src, dst) in enumerate(targets.items()):
        try:
            out = fn(load_image(src))
            summary.written.append(save_image(dst, out, overwrite=overwrite))
        except (ValueError, OSError) as err:  # DatasetError is a ValueError
            summary.failed[src] = str(err)
        if bar is not None:
            bar.update(i + 1)
    return summary


def _progress(total: int):
    """A Keras progress bar on a terminal; off one (a pipe, a log), one plain line per
    image (``Progbar(verbose=2)`` prints nothing until the end, without escape codes)."""
    import sys

    import keras

    if sys.stdout.isatty():
        return keras.utils.Progbar(total, unit_name="image")
    return _PlainProgress(total)


class _PlainProgress:
    """``update(i)`` prints ``i/total images`` as a plain line."""

    def __init__(self, total: int):
        self.total = total

    def update(self, current: int) -> None:
        print(f"{current}/{self.total} images", flush=True)


def enhance_folder(
    model,
    in_dir: str | os.PathLike,
    out_dir: str | os.PathLike,
    overwrite: bool = False,
    progress: bool = True,
) -> EnhanceSummary:
    """Enhance every image in ``in_dir`` (not recursive) into ``out_dir``.

    Files that are not images by extension (``.txt``, hidden files) are skipped; image files
    that cannot be decoded are named in the summary and the rest are still processed.

    Parameters
    ----------
    model : keras.Model or callable
    in_dir : path
        Never written into.
    out_dir : path
        Must not be ``in_dir`` or inside it.
    overwrite : bool
        Replace existing outputs (otherwise an error before anything is written).
    progress : bool

    Returns
    -------
    EnhanceSummary

    Raises
    ------
    FileNotFoundError
        If ``in_dir`` does not exist.
    ValueError
        If ``out_dir`` is ``in_dir`` or inside it.
    FileExistsError
        If outputs exist and ``overwrite`` is False.

    Examples
    --------
    >>> summary = enhance_folder(model, "photos", "photos_enhanced")  # doctest: +SKIP
    >>> print(summary)  # doctest: +SKIP
    12 image(s) written, 0 failed
    """
    from ..data import is_image_file

    in_dir = Path(in_dir)
    if not in_dir.is_dir():
        raise FileNotFoundError(f"input folder does not exist: {in_dir}")
    files = sorted(p for p in in_dir.iterdir() if is_image_file(p))
    return enhance_files(model, files, out_dir, overwrite, progress, protected=[in_dir])
