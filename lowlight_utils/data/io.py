"""Reading and writing images, and the ``Pair`` type: float32 RGB in [0, 1], shape (H, W, 3).

:func:`load_image` accepts 8- and 16-bit files, grayscale, RGBA and palette images and
applies the EXIF orientation; :func:`save_image` writes 8-bit PNG or JPEG and never replaces
an existing file unless asked. Both :mod:`lowlight_utils.data.pairs` (finding and splitting pairs)
and :mod:`lowlight_utils.data.synthetic` (the embedded sample) build on this module.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".gif")


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

    Taught in notebook 01, section 'The data'; every notebook reads its images with it.

    Parameters
    ----------
    path : str or os.PathLike
        An image file Pillow (or, for 16-bit colour PNG and TIFF, OpenCV) can read.

    Returns
    -------
    numpy.ndarray
        float32, (H, W, 3), in [0, 1]; a 16-bit file keeps its 16-bit levels.

    Raises
    ------
    DatasetError
        If the file is missing, corrupt, truncated or in a mode that cannot be converted.

    Examples
    --------
    >>> import shutil, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> img = load_image(save_image(folder / "grey.png", np.full((4, 6), 0.5)))
    >>> img.dtype, img.shape, round(float(img.max()), 4)
    (dtype('float32'), (4, 6, 3), 0.502)
    >>> shutil.rmtree(folder)
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

    Used in notebook 05, section 'Your own photograph'.

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

    Returns
    -------
    pathlib.Path
        ``path``, written in full (through a temporary file, so an interrupted write never
        leaves a half image under the real name).

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is False.
    ValueError
        If the extension is not .png, .jpg or .jpeg, or the image is not (H, W, 3) or
        (H, W).

    Examples
    --------
    >>> import shutil, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> save_image(folder / "out.jpg", np.zeros((4, 4, 3))).name
    'out.jpg'
    >>> save_image(folder / "out.jpg", np.zeros((4, 4, 3)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    FileExistsError: refusing to overwrite ... (pass overwrite=True)
    >>> shutil.rmtree(folder)
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
