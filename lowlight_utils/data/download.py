"""Fetching the LOL data set: once, checksummed, from several mirrors, extracted safely.

Downloading is done by `pooch <https://www.fatiando.org/pooch>`_, which writes to a
temporary file and only moves it into place when the SHA-256 matches, so a corrupted or
interrupted download leaves nothing behind. Extraction is ours because it must refuse, not
silently rename, an archive member that would land outside the destination (``../evil``,
absolute paths, links).
"""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from .io import DatasetError
from .pairs import _lol_root, find_pairs

#: Mirrors tried in order. The Hugging Face copy is the one the Keras Zero-DCE example uses;
#: add your own with ``urls=`` or ``$LOWLIGHT_LOL_URL``.
LOL_URLS = (
    "https://huggingface.co/datasets/geekyrakshit/LoL-Dataset/resolve/main/lol_dataset.zip",
)

#: SHA-256 of ``lol_dataset.zip``. Not pinned: this course was built on a machine that cannot
#: reach the mirrors, and a checksum we did not compute ourselves would be a guess. A
#: download without a pinned checksum prints the one it got so that you can pin it.
LOL_SHA256: str | None = None


class DownloadError(RuntimeError):
    """Every mirror failed; the message lists each URL with its error."""


class UnsafeArchiveError(DatasetError):
    """An archive member would be written outside the destination folder."""


def _check_member_name(name: str, archive: Path) -> None:
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        raise UnsafeArchiveError(
            f"refusing to extract {archive}: member {name!r} would land outside the destination"
        )


def safe_extract(archive: str | os.PathLike, dest: str | os.PathLike) -> Path:
    """Extract a zip or tar archive into ``dest``, refusing unsafe members.

    Every member is checked before anything is written: absolute paths, ``..`` components,
    drive letters, symbolic and hard links and device files are refused with
    :class:`UnsafeArchiveError`, and nothing is extracted.

    Returns
    -------
    pathlib.Path
        ``dest``.
    """
    archive, dest = Path(archive), Path(dest)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                _check_member_name(info.filename, archive)
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise UnsafeArchiveError(
                        f"refusing to extract {archive}: member {info.filename!r} is a link"
                    )
            dest.mkdir(parents=True, exist_ok=True)
            zf.extractall(dest)
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tf:
            for m in tf.getmembers():
                _check_member_name(m.name, archive)
                if not (m.isfile() or m.isdir()):
                    raise UnsafeArchiveError(
                        f"refusing to extract {archive}: member {m.name!r} is not a plain file"
                    )
            dest.mkdir(parents=True, exist_ok=True)
            tf.extractall(dest, filter="data")
    else:
        raise DatasetError(f"{archive} is neither a zip nor a tar archive")
    return dest


def _retrieve(url: str, sha256: str | None, cache: Path, progress: bool) -> Path:
    import pooch

    known = f"sha256:{sha256}" if sha256 else None
    fname = PurePosixPath(url.split("?")[0]).name or "lol_dataset.zip"
    return Path(
        pooch.retrieve(url, known_hash=known, fname=fname, path=cache, progressbar=progress)
    )


def download_lol(
    dest: str | os.PathLike = "data/LOL",
    urls: Sequence[str] | None = None,
    sha256: str | None = LOL_SHA256,
    cache: str | os.PathLike | None = None,
    progress: bool = True,
) -> Path:
    """Download and extract LOL into ``dest`` (``dest/our485``, ``dest/eval15``).

    Does nothing when ``dest`` already holds LOL. Otherwise tries each mirror in turn; a
    mirror whose file does not match ``sha256`` counts as failed and its file is deleted.
    The archive is extracted into a temporary folder beside ``dest``, checked with
    :func:`~lowlight_utils.data.pairs.find_pairs`, and only then moved to ``dest``.

    Parameters
    ----------
    dest : path
        Where LOL ends up.
    urls : sequence of str, optional
        Mirrors; default ``$LOWLIGHT_LOL_URL`` (if set) followed by :data:`LOL_URLS`.
    sha256 : str, optional
        Expected SHA-256 of the archive. ``None`` downloads unverified and prints the hash.
    cache : path, optional
        Where the archive is kept (default: ``dest/../.downloads``).
    progress : bool
        Show a progress bar (needs tqdm).

    Raises
    ------
    DownloadError
        If no mirror delivered a file with the right checksum (offline, 404, mismatch).
    UnsafeArchiveError
        If the archive contains a member that would land outside ``dest``.
    """
    dest = Path(dest)
    if dest.is_dir() and _lol_root(dest) is not None:
        return dest
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} exists and does not hold LOL; choose an empty folder")
    if urls is None:
        env = os.environ.get("LOWLIGHT_LOL_URL")
        urls = ([env] if env else []) + list(LOL_URLS)
    cache = Path(cache) if cache is not None else dest.parent / ".downloads"
    try:
        import tqdm  # noqa: F401
    except ImportError:
        progress = False

    errors = []
    archive = None
    for url in urls:
        try:
            archive = _retrieve(url, sha256, cache, progress)
            break
        except Exception as err:  # network errors, HTTP errors, checksum mismatch
            errors.append(f"{url}: {type(err).__name__}: {err}")
    if archive is None:
        raise DownloadError(
            "could not download LOL from any mirror (are you offline? you can also place it "
            "by hand, see data/README.md):\n  " + "\n  ".join(errors)
        )
    if sha256 is None:
        import pooch

        got = pooch.file_hash(str(archive))
        warnings.warn(
            f"LOL downloaded without a pinned checksum; its SHA-256 is {got}. "
            "Pass sha256=... to verify future downloads.",
            stacklevel=2,
        )

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".lol-", dir=dest.parent))
    try:
        safe_extract(archive, tmp)
        root = _lol_root(tmp)
        if root is None:
            raise DatasetError(f"{archive} does not contain our485/ or eval15/ folders")
        find_pairs(root)  # every pair present and decodable before we call it done
        if dest.exists():
            dest.rmdir()
        os.replace(root, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest
