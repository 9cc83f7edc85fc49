"""download_lol against a local HTTP server serving archives the tests build."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lowlight_utils.data import find_pairs
from lowlight_utils.data.download import (
    DownloadError,
    UnsafeArchiveError,
    download_lol,
    safe_extract,
)


def _png_bytes(seed):
    arr = np.random.default_rng(seed).integers(0, 256, (6, 8, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return buf.getvalue()


def _lol_zip(extra=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for subset, stems in (("our485", ["1", "2", "3"]), ("eval15", ["7"])):
            for s in stems:
                for side in ("low", "high"):
                    zf.writestr(f"lol_dataset/{subset}/{side}/{s}.png", _png_bytes(int(s)))
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture
def server():
    """Serve a dict {path: bytes} on 127.0.0.1; count requests per path."""
    files: dict[str, bytes] = {}
    hits: dict[str, int] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits[self.path] = hits.get(self.path, 0) + 1
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield base, files, hits
    httpd.shutdown()
    httpd.server_close()


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def test_download_verifies_extracts_and_fetches_once(server, tmp_path):
    base, files, hits = server
    data = _lol_zip()
    files["/lol_dataset.zip"] = data
    dest = download_lol(tmp_path / "LOL", urls=[f"{base}/lol_dataset.zip"], sha256=_sha(data),
                        progress=False)
    pairs = find_pairs(dest)
    assert [(p.subset, p.stem) for p in pairs] == [
        ("our485", "1"), ("our485", "2"), ("our485", "3"), ("eval15", "7")]
    assert (dest / "our485" / "low").is_dir()
    download_lol(tmp_path / "LOL", urls=[f"{base}/lol_dataset.zip"], sha256=_sha(data))
    assert hits["/lol_dataset.zip"] == 1
    assert not list(tmp_path.glob(".lol-*"))  # temporary extraction folder removed


def test_mirror_fallback(server, tmp_path):
    base, files, hits = server
    data = _lol_zip()
    files["/b/lol_dataset.zip"] = data
    urls = [f"{base}/a/lol_dataset.zip", f"{base}/b/lol_dataset.zip"]
    dest = download_lol(tmp_path / "LOL", urls=urls, sha256=_sha(data), progress=False)
    assert hits["/a/lol_dataset.zip"] == 1 and len(find_pairs(dest)) == 4


def test_checksum_mismatch_leaves_nothing(server, tmp_path):
    base, files, _ = server
    good = _lol_zip()
    files["/lol_dataset.zip"] = good[:-10] + b"corrupted!"
    with pytest.raises(DownloadError, match="lol_dataset.zip"):
        download_lol(tmp_path / "LOL", urls=[f"{base}/lol_dataset.zip"], sha256=_sha(good),
                     progress=False)
    assert not (tmp_path / "LOL").exists()
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []


def test_malicious_archive_is_refused(server, tmp_path):
    base, files, _ = server
    data = _lol_zip(extra={"../evil": b"owned"})
    files["/lol_dataset.zip"] = data
    with pytest.raises(UnsafeArchiveError, match=r"\.\./evil"):
        download_lol(tmp_path / "d" / "LOL", urls=[f"{base}/lol_dataset.zip"],
                     sha256=_sha(data), progress=False)
    assert not (tmp_path / "evil").exists() and not (tmp_path / "d" / "evil").exists()
    assert not (tmp_path / "d" / "LOL").exists()


def test_offline_error_is_clear(tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens on this port now
    with pytest.raises(DownloadError, match="offline"):
        download_lol(tmp_path / "LOL", urls=[f"http://127.0.0.1:{port}/lol.zip"], sha256="0" * 64,
                     progress=False)


def test_safe_extract_refuses_absolute_and_links(tmp_path):
    import tarfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("/etc/evil", b"x")
    (tmp_path / "abs.zip").write_bytes(buf.getvalue())
    with pytest.raises(UnsafeArchiveError):
        safe_extract(tmp_path / "abs.zip", tmp_path / "out")
    with tarfile.open(tmp_path / "link.tar", "w") as tf:
        info = tarfile.TarInfo("innocent")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tf.addfile(info)
    with pytest.raises(UnsafeArchiveError, match="innocent"):
        safe_extract(tmp_path / "link.tar", tmp_path / "out")
    assert not Path(tmp_path / "out").exists()
