"""TensorFlow's start-up log, filtered by ``TF_CPP_MIN_LOG_LEVEL`` as TensorFlow documents.

TensorFlow 2.20 and later log through absl before absl's logging is initialised, and absl
then writes every message to stderr whatever ``TF_CPP_MIN_LOG_LEVEL`` says: each
``import tensorflow`` prints "WARNING: All log messages before absl::InitializeLog() is
called are written to STDERR" and "oneDNN custom operations are on" (an INFO line) straight
to file descriptor 2, where Jupyter shows them as red boxes. :func:`install` makes the first
``import tensorflow`` (also the one ``import keras`` makes) run with file descriptor 2 sent
to a temporary file, then writes back everything except the absl lines whose severity is
below ``TF_CPP_MIN_LOG_LEVEL`` (0 = INFO, 1 = WARNING, 2 = ERROR, 3 = FATAL) and absl's
banner about its own initialisation. Python warnings and any other output pass through.
:func:`quiet` installs it (the notebooks' :func:`lowlight_utils.notebook.setup` and the
command line call it; importing the package does not).

The hook stays on ``sys.meta_path`` until TensorFlow has actually been imported: a mere
lookup (``importlib.util.find_spec("tensorflow")``, or IPython's Tab completion, whose jedi
asks every finder in turn) gets a spec whose loader filters too, and leaves the hook in
place for the real import. Once TensorFlow is imported it applies ``TF_CPP_MIN_LOG_LEVEL``
to its later C++ messages itself (first op, device creation), so only the import needs this.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import os
import re
import sys
import tempfile
import threading

_SEVERITY = {"I": 0, "W": 1, "E": 2, "F": 3}
# absl's prefix: severity letter, MMDD, time, thread id, file:line]
_HEADER = re.compile(r"^([IWEF])\d{4} \d+:\d+:\d+\.\d+\s+\d+ [^\s\]]+:\d+\] ")
_BANNER = ("WARNING: All log messages before absl::InitializeLog() is called are written "
           "to STDERR")
_PY_WARNING = re.compile(r":\d+: \w*Warning: ")


def min_log_level() -> int:
    """``TF_CPP_MIN_LOG_LEVEL`` as an int (0 when unset or not a number)."""
    try:
        return int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0"))
    except ValueError:
        return 0


def filter_startup_log(text: str, level: int) -> str:
    """Drop absl messages below ``level`` (with their continuation lines) from ``text``.

    Examples
    --------
    >>> log = ("WARNING: All log messages before absl::InitializeLog() is called are "
    ...        "written to STDERR\\nI0000 00:00:1.5   42 port.cc:153] oneDNN custom "
    ...        "operations are on.\\nE0000 00:00:1.6   42 x.cc:1] a real error\\n")
    >>> filter_startup_log(log, 2)
    'E0000 00:00:1.6   42 x.cc:1] a real error\\n'
    """
    kept, keep = [], True
    for line in text.splitlines(keepends=True):
        header = _HEADER.match(line)
        if header:
            keep = _SEVERITY[header.group(1)] >= level
        elif line.rstrip("\r\n") == _BANNER:
            if level >= 1:
                continue
            keep = True
        elif _PY_WARNING.search(line):
            keep = True  # a Python warning is never part of an absl message
        if keep:
            kept.append(line)
    return "".join(kept)


@contextlib.contextmanager
def filtered_stderr():
    """Send file descriptor 2 to a temporary file; write back the filtered text on exit."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, AttributeError, ValueError):  # no usable stderr: nothing to filter
        yield
        return
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            text = filter_startup_log(tmp.read().decode("utf-8", "replace"), min_log_level())
            if text:
                sys.stderr.write(text)
                sys.stderr.flush()


class _QuietLoader(importlib.abc.Loader):
    """Runs the real loader's ``exec_module`` inside :func:`filtered_stderr`.

    Everything else is the real loader's, so code that only inspects the spec (jedi's
    completion, ``importlib.resources``) sees what it would without the hook.
    """

    def __init__(self, loader):
        self.loader = loader

    def __getattr__(self, name):  # is_package, get_source, get_code, ...: the real loader's
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        # The module sees its real loader (importlib.resources and friends ask it).
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        with filtered_stderr():
            self.loader.exec_module(module)
        uninstall()  # imported: later imports find it in sys.modules (a failed one retries)


class _TensorFlowFinder(importlib.abc.MetaPathFinder):
    """Gives ``tensorflow``'s spec a :class:`_QuietLoader`; other names are not its business."""

    _lowlight_tflog = True  # recognised by install() across reloads of this module
    _busy = threading.local()  # set while it asks the other finders (no recursion)

    def find_spec(self, fullname, path, target=None):
        if fullname != "tensorflow" or getattr(self._busy, "on", False):
            return None
        if "tensorflow" in sys.modules:  # a reload: TensorFlow logs nothing new then
            uninstall()
            return None
        self._busy.on = True
        try:
            for finder in list(sys.meta_path):
                find = getattr(finder, "find_spec", None)
                if finder is self or find is None or getattr(finder, "_lowlight_tflog", False):
                    continue
                spec = find(fullname, path, target)
                if spec is not None:
                    if spec.loader is not None and not isinstance(spec.loader, _QuietLoader):
                        spec.loader = _QuietLoader(spec.loader)
                    return spec
            return None
        finally:
            self._busy.on = False


_FINDER = _TensorFlowFinder()


def install() -> None:
    """Filter the start-up log of the first ``import tensorflow`` (no-op once imported)."""
    # A finder left by an earlier copy of this module (importlib.reload) gives way to this one.
    sys.meta_path[:] = [f for f in sys.meta_path
                        if f is _FINDER or not getattr(f, "_lowlight_tflog", False)]
    if "tensorflow" not in sys.modules and _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    """Remove the import hook (TensorFlow's later imports are unaffected anyway)."""
    with contextlib.suppress(ValueError):
        sys.meta_path.remove(_FINDER)


def quiet(level: int = 2) -> None:
    """Default ``TF_CPP_MIN_LOG_LEVEL`` to ``level`` and :func:`install` the import filter.

    TensorFlow's C++ start-up chatter drowns a notebook's own output; this keeps warnings and
    errors (level 2). A ``TF_CPP_MIN_LOG_LEVEL`` set by the user wins (a blank value counts as
    unset: a launcher's ``TF_CPP_MIN_LOG_LEVEL=`` would otherwise mean every INFO line).
    """
    if not os.environ.get("TF_CPP_MIN_LOG_LEVEL", "").strip():
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = str(level)
    install()
