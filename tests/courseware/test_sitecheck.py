"""The headless-Chromium check of the course site, proven on a tiny generated site."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

from lowlight_utils.courseware.sitecheck import SiteCheckError, check_site, find_chromium, main


@pytest.fixture(scope="module")
def chromium():
    try:
        return find_chromium()
    except SiteCheckError as err:
        if os.environ.get("CI"):  # .ci/run installs it: missing there is a failure
            pytest.fail(str(err))
        pytest.skip(str(err))


def page(body: str, head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title>{head}</head>"
            f"<body>{body}</body></html>")


@pytest.fixture
def tiny_site(tmp_path):
    """One good page and one page per kind of fault."""
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (8, 12, 3), dtype=np.uint8)).save(tmp_path / "ok.png")
    (tmp_path / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    (tmp_path / "sub").mkdir()
    pages = {
        "index.html": page("<h1 id='top'>Home</h1><img src='ok.png'>"
                           "<a href='sub/next.html#part'>next</a> <a href='#top'>top</a>"
                           "<a href='https://example.org/paper'>an outside link</a>"),
        "sub/next.html": page("<h2 id='part'>Part</h2><a href='../index.html'>home</a>"
                              "<a href='./'>folder index</a>"),
        "sub/index.html": page("<p>folder</p>"),
        "broken_link.html": page("<a href='missing.html'>gone</a>"),
        "broken_anchor.html": page("<a href='index.html#nowhere'>gone</a>"),
        "broken_image.html": page("<img src='corrupt.png'>"),
        "missing_image.html": page("<img src='nothing.png' loading='lazy'>"),
        "console_error.html": page("<script>console.error('boom from the page')</script>"),
        "exception.html": page("<script>undefinedFunction()</script>"),
        "outside.html": page("<p>x</p>", head="<script src='https://cdn.example.org/x.js'>"
                             "</script>"),
        "_static/template.html": page("<a href='{{ pathto() }}'>a theme fragment</a>"),
    }
    for name, html in pages.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(html)
    (tmp_path / "does_not_load.html").symlink_to(tmp_path / "nowhere.html")  # served as 404
    return tmp_path


def test_check_finds_every_fault_and_nothing_else(tiny_site, chromium, capsys):
    report = check_site(tiny_site, chromium)
    by_page: dict[str, list[str]] = {}
    for name, message in report.problems:
        by_page.setdefault(name, []).append(message)
    assert report.pages == 11  # _static/ holds theme fragments, not pages
    for good in ("index.html", "sub/next.html", "sub/index.html"):
        assert good not in by_page, by_page[good]
    assert any("broken link" in m and "missing.html" in m for m in by_page["broken_link.html"])
    assert any("no #nowhere in index.html" in m for m in by_page["broken_anchor.html"])
    assert any("image does not decode" in m and "corrupt.png" in m
               for m in by_page["broken_image.html"])
    assert any("image does not decode" in m and "nothing.png" in m
               for m in by_page["missing_image.html"])
    assert any("console error: boom from the page" in m for m in by_page["console_error.html"])
    assert any("uncaught exception" in m and "undefinedFunction" in m
               for m in by_page["exception.html"])
    assert any("outside the site" in m and "cdn.example.org" in m
               for m in by_page["outside.html"])
    assert any("does not load: HTTP 404" in m for m in by_page["does_not_load.html"])
    assert report.external_links == 1
    assert main([str(tiny_site), "--chromium", chromium]) == 1
    assert "broken_link.html: broken link" in capsys.readouterr().out


def test_clean_site_passes(tiny_site, chromium, capsys):
    for name in ("broken_link", "broken_anchor", "broken_image", "missing_image",
                 "console_error", "exception", "outside", "does_not_load"):
        (tiny_site / f"{name}.html").unlink()
    report = check_site(tiny_site, chromium)
    assert report.problems == [] and report.pages == 3 and report.images == 1
    assert main([str(tiny_site), "--chromium", chromium]) == 0
    assert "no problems" in capsys.readouterr().out


def test_no_pages_is_an_error(tmp_path):
    with pytest.raises(SiteCheckError, match="no .html pages"):
        check_site(tmp_path)
    assert main([str(tmp_path)]) == 2
