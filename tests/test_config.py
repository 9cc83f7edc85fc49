"""Profiles and the packaging contract."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lowlight_utils import config

ROOT = Path(__file__).resolve().parents[1]


def test_profile_from_environment(monkeypatch):
    monkeypatch.setenv("LOWLIGHT_PROFILE", "quick")
    assert config.get_profile().name == "quick"
    monkeypatch.setenv("LOWLIGHT_PROFILE", " FULL ")
    assert config.get_profile().name == "full"
    assert config.get_profile("quick").name == "quick"  # argument wins


def test_auto_follows_gpu(monkeypatch):
    monkeypatch.delenv("LOWLIGHT_PROFILE", raising=False)
    monkeypatch.setattr(config, "gpu_available", lambda: True)
    assert config.get_profile().name == "full"
    monkeypatch.setattr(config, "gpu_available", lambda: False)
    assert config.get_profile("auto").name == "quick"


def test_unknown_profile_is_named(monkeypatch):
    monkeypatch.setenv("LOWLIGHT_PROFILE", "turbo")
    with pytest.raises(ValueError, match="turbo.*LOWLIGHT_PROFILE"):
        config.get_profile()


def test_quick_is_smaller_than_full():
    q, f = config.PROFILES["quick"], config.PROFILES["full"]
    assert q.crop < f.crop and q.epochs <= f.epochs


def _name(req: str) -> str:
    return re.split(r"[\s<>=!~\[;@]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies():
    """environment.yml (conda) and pyproject.toml must not drift apart."""
    import yaml

    tomllib = pytest.importorskip("tomllib")  # standard library from Python 3.11

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["cpu"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {_name(d) for d in conda if not d.startswith(("python", "pip"))}
    listed |= {_name(d) for d in pip if not d.startswith("-e")}
    assert listed == wanted, (
        f"only in pyproject: {sorted(wanted - listed)}; only in environment.yml: "
        f"{sorted(listed - wanted)}"
    )
    assert any(str(d).startswith("python=3.11") for d in conda)
    assert any(d.startswith("-e .") for d in pip)
