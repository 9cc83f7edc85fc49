"""Dispatch ``python -m lowlight_utils.bench NAME`` to ``lowlight_utils.bench.NAME``."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import lowlight_utils.bench as _pkg

_SKIP = {"common", "cost_plans", "__main__"}  # helpers, not benchmarks


def _benchmarks() -> dict[str, str]:
    names = {}
    for info in pkgutil.iter_modules(_pkg.__path__):
        if info.name not in _SKIP and not info.name.startswith("_"):
            names[info.name.replace("_", "-")] = f"{_pkg.__name__}.{info.name}"
    return dict(sorted(names.items()))


def main(argv: list[str] | None = None) -> int:
    from .._shared import tflog

    tflog.quiet()  # the benchmarks import TensorFlow; keep its start-up log off stderr
    parser = argparse.ArgumentParser(prog="python -m lowlight_utils.bench", description=__doc__)
    sub = parser.add_subparsers(dest="bench", required=True, metavar="BENCHMARK")
    modules = {}
    for name, modname in _benchmarks().items():
        mod = importlib.import_module(modname)
        modules[name] = mod
        p = sub.add_parser(name, help=(mod.__doc__ or "").strip().splitlines()[0])
        mod.add_arguments(p)
    args = parser.parse_args(argv)
    return int(modules[args.bench].run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
