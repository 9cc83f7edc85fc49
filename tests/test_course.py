"""The course runner's README update."""

from __future__ import annotations

import pytest

from lowlight_utils.course import END, START, update_readme


def test_update_readme_replaces_only_the_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{START}\nold table\n{END}\noutro\n")
    results = tmp_path / "results.md"
    results.write_text("| method | PSNR |\n|---|---|\n| gamma | 18.83 |\n")
    update_readme(readme, results, "make course")
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith("\noutro\n")
    assert "old table" not in text and "| gamma | 18.83 |" in text and "`make course`" in text
    update_readme(readme, results, "make course")  # idempotent
    assert readme.read_text() == text


def test_update_readme_needs_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no markers\n")
    (tmp_path / "r.md").write_text("x")
    with pytest.raises(ValueError, match="results:start"):
        update_readme(readme, tmp_path / "r.md", "make course")
