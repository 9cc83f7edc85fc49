"""``python -m lowlight_utils.colab``: show the install source, or point it at a fork."""

from __future__ import annotations

import argparse
import sys

from .source import REPO_REF, REPO_URL, install_source, set_source
from .versions import report_versions


def main(argv: list[str] | None = None) -> int:
    """``python -m lowlight_utils.colab``: show the install source, or point it at a fork."""
    parser = argparse.ArgumentParser(
        prog="python -m lowlight_utils.colab",
        description="Print where Colab installs the course from; with --repo, point "
        "lowlight_utils/colab/source.py, every notebook's setup cell and every Colab badge at another repository.")
    parser.add_argument("--repo", help="https://github.com/OWNER/NAME of your fork")
    parser.add_argument("--ref", default=None,
                        help=f"branch, tag or commit (default: the current one, {REPO_REF})")
    parser.add_argument("--root", default=None, help="the course checkout (default: this one)")
    parser.add_argument("--versions", action="store_true",
                        help="print the tested and installed versions")
    args = parser.parse_args(argv)
    if args.versions:
        report_versions()
        return 0
    if args.repo is None and args.ref is None:
        print(f"installs from {install_source()}")
        return 0
    try:
        changed = set_source(args.repo or REPO_URL, args.ref or REPO_REF, args.root)
    except (ValueError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"rewrote {path}")
    print(f"{len(changed)} file(s) now install from "
          f"{install_source(args.repo or REPO_URL, args.ref or REPO_REF)}")
    return 0

