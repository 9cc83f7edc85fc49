"""Benchmarks: ``python -m lowlight_utils.bench <name> [options]``.

Each benchmark is a module in this package with ``add_arguments(parser)`` and ``run(args)``;
its name on the command line is the module name with ``_`` written as ``-``. Benchmarks print
their figures (and, where a comparison is asked for, the ratio measured in the same run);
tests never assert wall-clock times.
"""
