"""Colab mechanics (lowlight_utils.colab): one install source, versions, Drive."""

from __future__ import annotations

import json
import runpy
import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest

from lowlight_utils import colab
from lowlight_utils.colab.cli import main as colab_main
from lowlight_utils.config import RUNS_ENV, runs_dir

ROOT = Path(__file__).resolve().parents[2]
PAIRS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))


@pytest.mark.parametrize("path", [p for s in PAIRS for p in (s, s.with_suffix(".ipynb"))],
                         ids=lambda p: p.name)
def test_every_setup_cell_and_badge_use_the_one_install_source(path):
    source, badges = colab.notebook_sources(path)
    assert source == colab.install_source(), (
        f"{path.name}: the first code cell must set COURSE_SOURCE = "
        f'"{colab.install_source()}" (lowlight_utils/colab/source.py)')
    assert badges == [colab.badge_url(path.with_suffix(".ipynb").name)], path.name


def test_the_install_source_is_a_pip_requirement_for_github():
    assert colab.install_source("https://github.com/me/fork.git", "v1.2") == (
        "git+https://github.com/me/fork@v1.2")
    with pytest.raises(ValueError, match="GitHub repository URL"):
        colab.install_source("https://gitlab.com/me/fork")
    with pytest.raises(ValueError, match="branch, tag or commit"):
        colab.install_source(colab.REPO_URL, "main; rm -rf /")


def test_one_command_points_a_fork_everywhere_and_keeps_the_pairs_in_sync(tmp_path, capsys):
    (tmp_path / "lowlight_utils" / "colab").mkdir(parents=True)
    shutil.copy(ROOT / "lowlight_utils" / "colab" / "source.py",
                tmp_path / "lowlight_utils" / "colab" / "source.py")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns("*.ipynb_checkpoints", "runs", "__pycache__"))
    fork, ref = "https://github.com/someone/my-course", "spring-2027"
    assert colab_main(["--repo", fork, "--ref", ref, "--root", str(tmp_path)]) == 0
    assert "now install from git+https://github.com/someone/my-course@spring-2027" in (
        capsys.readouterr().out)
    module = runpy.run_path(str(tmp_path / "lowlight_utils" / "colab" / "source.py"))
    assert (module["REPO_URL"], module["REPO_REF"]) == (fork, ref)
    for script in sorted((tmp_path / "notebooks").glob("[0-9][0-9]_*.py")):
        nb_path = script.with_suffix(".ipynb")
        for path in (script, nb_path):
            source, badges = colab.notebook_sources(path)
            assert source == f"git+{fork}@{ref}"
            assert badges == [colab.badge_url(nb_path.name, fork, ref)]
        # nothing else changed: the pair is still in sync, and it equals the original but
        # for the two rewritten places
        nb, py = nbformat.read(nb_path, as_version=4), jupytext.read(script)
        assert [c.source.strip() for c in nb.cells] == [c.source.strip() for c in py.cells]
        original = (ROOT / "notebooks" / script.name).read_text()
        changed = [(a, b) for a, b in zip(original.splitlines(), script.read_text().splitlines(),
                                          strict=True) if a != b]
        assert len(changed) == 2, changed
    # running it again changes nothing
    assert colab.set_source(fork, ref, tmp_path) == []


def test_a_bad_fork_url_is_refused_before_anything_is_written(tmp_path, capsys):
    assert colab_main(["--repo", "git@github.com:me/x", "--root", str(tmp_path)]) == 2
    assert "GitHub repository URL" in capsys.readouterr().err


def test_versions_are_recorded_compared_and_reported(tmp_path):
    path = tmp_path / "tested.json"
    tested = {"python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1", "numpy": "2.4.6"}
    assert colab.record_tested_versions(path, tested) is True
    assert colab.record_tested_versions(path, tested) is False  # unchanged: not rewritten
    assert colab.tested_versions(path) == tested
    assert colab.tested_versions(tmp_path / "missing.json") is None
    same_series = {"python": "3.11.12", "tensorflow": "2.21.3", "keras": "3.9.0",
                   "numpy": "2.0.2"}
    assert colab.major_differences(tested, same_series) == []
    colab_like = {"python": "3.12.11", "tensorflow": "2.19.0", "keras": "3.15.1",
                  "numpy": "1.26.4"}
    assert colab.major_differences(tested, colab_like) == ["python", "tensorflow", "numpy"]
    report = colab.version_report(tested, colab_like)
    assert "2.21.0" in report and "2.19.0" in report
    warnings = [line for line in report.splitlines() if line.startswith("Warning")]
    assert len(warnings) == 1 and "TensorFlow 2.19.0 here against 2.21.0 tested" in warnings[0]
    assert warnings[0].count(". ") == 0  # one sentence
    assert "Warning" not in colab.version_report(tested, same_series)
    assert "not installed" in colab.version_report(tested, {**same_series, "keras": None})


def test_the_package_ships_the_versions_its_tests_passed_with():
    recorded = colab.tested_versions()
    assert recorded is not None, "run the test suite once to record lowlight_utils/" \
        "tested_versions.json"
    assert set(recorded) == {"python", "tensorflow", "keras", "numpy"}
    assert json.loads((ROOT / "lowlight_utils" / colab.TESTED_VERSIONS_FILE).read_text())
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert colab.TESTED_VERSIONS_FILE in pyproject  # declared as package data


def test_the_runs_root_can_be_pointed_at_a_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(RUNS_ENV, "elsewhere")  # restored after the test
    target = tmp_path / "drive" / "MyDrive" / "lowlight-course" / "runs"
    assert colab.point_runs_at(target) == target and target.is_dir()
    assert runs_dir() == target


def test_use_drive_outside_colab_says_what_to_do_instead(monkeypatch):
    monkeypatch.delenv(RUNS_ENV, raising=False)
    with pytest.raises(RuntimeError, match="Colab only.*LOWLIGHT_RUNS_DIR"):
        colab.use_drive()
