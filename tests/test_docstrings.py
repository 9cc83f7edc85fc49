"""Every function and class a notebook imports from the package is documented for a reader.

For each name that ``notebooks/NN_*.py`` imports from :mod:`lowlight_utils` (``from
lowlight_utils.x import name``, or ``module.name`` after ``from lowlight_utils import
module``) and that is a function or class defined in the package, its numpy-style docstring
has

- a ``Parameters`` section when it takes parameters (a class: those of its constructor),
- a ``Returns`` or ``Yields`` section when it is a function that returns something (a
  ``return`` with a value or a ``yield`` in its own body, or a return annotation that is not
  ``None``),
- the notebook that teaches it, as ``notebook NN`` where NN is a notebook that imports it;
  where it names a section (``Taught in notebook 02, section 'The training step: two
  tapes'.``), that section is a heading of that notebook (its number left out).

The notebooks are read with :mod:`ast` (nothing in them runs); the package's objects are
imported with :mod:`importlib`. ``python tests/test_docstrings.py`` prints how many names
there are and the share with complete sections, and lists the incomplete ones.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PACKAGE = "lowlight_utils"

_MENTION = re.compile(r"\bnotebooks?\s+(\d\d)\b")
# a quoted title ends at a quote followed by punctuation, a space or the end ("report's" does not)
_SECTION = re.compile(r"\bnotebook\s+(\d\d),\s+section\s+'(.+?)'(?=[\s.,;:)]|$)")
_HEADING = re.compile(r"^# #{2,}\s+(?:\d+\.\s+)?(.+?)\s*$")


def notebook_number(path: Path) -> str:
    """``notebooks/02_pix2pix_bce.py`` -> ``"02"``."""
    return path.name[:2]


def notebook_paths() -> list[Path]:
    """The notebooks' jupytext scripts, in order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def imported_names(source: str) -> set[tuple[str, str]]:
    """``(module, name)`` for each package name a notebook's script imports or reads.

    ``from lowlight_utils.metrics import psnr`` gives ``("lowlight_utils.metrics", "psnr")``;
    ``from lowlight_utils import pix2pix`` followed by ``pix2pix.Pix2Pix`` gives
    ``("lowlight_utils", "pix2pix")`` and ``("lowlight_utils.pix2pix", "Pix2Pix")``.
    """
    tree = ast.parse(source)
    found: set[tuple[str, str]] = set()
    modules: dict[str, str] = {}  # a local name bound to a package module -> the module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module and (
                node.module == PACKAGE or node.module.startswith(PACKAGE + ".")):
            for alias in node.names:
                found.add((node.module, alias.name))
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + ".") and alias.asname:
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules):
            found.add((modules[node.value.id], node.attr))
    return found


def notebook_headings(path: Path) -> set[str]:
    """The titles of a notebook's sections and subsections, without their numbers."""
    return {m.group(1) for line in path.read_text().splitlines()
            if (m := _HEADING.match(line))}


def _resolve(module: str, name: str):
    """The object ``module.name`` in the package, or ``None`` (a submodule, a missing name)."""
    try:
        owner = importlib.import_module(module)
    except ImportError:
        return None
    obj = getattr(owner, name, None)
    if obj is None or inspect.ismodule(obj):
        return None
    return obj


def documented_objects() -> dict[str, tuple[object, set[str]]]:
    """Each function or class of the package a notebook imports, with the notebooks that do.

    Keyed by the object's own qualified name (``lowlight_utils.metrics.pixel.psnr``), so that a
    name re-exported by a package and imported under both paths is counted once.
    """
    objects: dict[str, tuple[object, set[str]]] = {}
    for path in notebook_paths():
        for module, name in imported_names(path.read_text()):
            obj = _resolve(module, name)
            target = inspect.unwrap(obj) if callable(obj) else obj
            if not (inspect.isfunction(target) or inspect.isclass(target)):
                continue
            if not getattr(target, "__module__", "").startswith(PACKAGE):
                continue
            key = f"{target.__module__}.{target.__qualname__}"
            objects.setdefault(key, (target, set()))[1].add(notebook_number(path))
    return objects


def sections(doc: str) -> set[str]:
    """The numpydoc section titles of a docstring (a title line underlined with dashes)."""
    lines = inspect.cleandoc(doc or "").splitlines()
    return {lines[i].strip() for i in range(len(lines) - 1)
            if lines[i].strip() and re.fullmatch(r"-{3,}", lines[i + 1].strip())
            and len(lines[i + 1].strip()) >= len(lines[i].strip())}


def docstring_of(obj) -> str:
    """A function's docstring; a class's together with its own ``__init__``'s."""
    doc = inspect.getdoc(obj) or ""
    init = vars(obj).get("__init__") if inspect.isclass(obj) else None
    if init is not None and init.__doc__:  # its own docstring, not one inherited
        doc += "\n\n" + inspect.cleandoc(init.__doc__)
    return doc


def takes_parameters(obj) -> bool:
    """Whether calling ``obj`` (a class: constructing it) takes any argument."""
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return False
    return any(name not in ("self", "cls") for name in signature.parameters)


def returns_something(func) -> bool:
    """Whether a function returns a value: its annotation, or ``return x``/``yield`` in its body."""
    annotation = inspect.signature(func).return_annotation
    if annotation not in (inspect.Signature.empty, None, "None"):
        return True
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return annotation is inspect.Signature.empty
    definition = ast.parse(source).body[0]

    def own_nodes(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                  ast.ClassDef)):
                continue
            yield child
            yield from own_nodes(child)

    for node in own_nodes(definition):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            return True
    return False


def problems(obj, notebooks: set[str], headings: dict[str, set[str]] | None = None) -> list[str]:
    """What ``obj``'s docstring lacks; empty when it is complete.

    Parameters
    ----------
    obj : function or class
        The object a notebook imports.
    notebooks : set of str
        The numbers (``"02"``) of the notebooks that import it.
    headings : dict, optional
        Each notebook's section titles (:func:`notebook_headings`); ``None`` skips the check
        that a named section exists.

    Returns
    -------
    list of str
        One line per missing section or wrong reference.
    """
    doc = docstring_of(obj)
    found = sections(doc)
    missing = []
    if takes_parameters(obj) and "Parameters" not in found:
        missing.append("no Parameters section")
    if (inspect.isfunction(obj) and returns_something(obj)
            and not found & {"Returns", "Yields"}):
        missing.append("no Returns (or Yields) section")
    mentioned = set(_MENTION.findall(doc))
    if not mentioned & notebooks:
        missing.append(f"does not say which notebook teaches it (imported by notebook "
                       f"{', '.join(sorted(notebooks))}: write \"Taught in notebook NN, "
                       f"section '<title>'.\")")
    for number, title in _SECTION.findall(" ".join(doc.split())):
        if headings is not None and title not in headings.get(number, set()):
            missing.append(f"notebook {number} has no section titled {title!r}")
    return missing


def report() -> tuple[int, dict[str, list[str]]]:
    """The number of names checked and, for each incomplete one, what it lacks."""
    headings = {notebook_number(p): notebook_headings(p) for p in notebook_paths()}
    objects = documented_objects()
    incomplete = {}
    for key, (obj, notebooks) in sorted(objects.items()):
        missing = problems(obj, notebooks, headings)
        if missing:
            incomplete[key] = missing
    return len(objects), incomplete


def package_docstrings():
    """``(module path, qualified name, docstring)`` of every docstring in the package, via ast."""
    package = ROOT / PACKAGE
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        nodes = [(tree, "<module>")] + [
            (n, n.name) for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        for node, name in nodes:
            doc = ast.get_docstring(node)
            if doc:
                yield path.relative_to(ROOT), name, doc


def test_every_section_a_docstring_names_exists():
    # not only the imported names': a section renamed in a notebook must not leave a stale
    # pointer in any docstring of the package
    headings = {notebook_number(p): notebook_headings(p) for p in notebook_paths()}
    stale = [f"{path}: {name}: notebook {number} has no section titled {title!r}"
             for path, name, doc in package_docstrings()
             for number, title in _SECTION.findall(" ".join(doc.split()))
             if title not in headings.get(number, set())]
    assert not stale, "\n".join(stale)


def test_the_notebooks_import_documented_names():
    objects = documented_objects()
    assert len(objects) > 20, "the notebooks' imports were not found"
    assert "lowlight_utils.metrics.pixel.psnr" in objects


def test_every_imported_name_has_complete_sections():
    total, incomplete = report()
    lines = [f"{key}: {'; '.join(missing)}" for key, missing in incomplete.items()]
    assert not incomplete, (f"{len(incomplete)} of {total} names the notebooks import lack "
                            "docstring sections:\n" + "\n".join(lines))


# A tiny fake, to show the check fails where it should.
def _fake_no_returns(image, factor=2.0):
    """Brighten an image.

    Taught in notebook 01, section 'The data'.

    Parameters
    ----------
    image : numpy.ndarray
        The image.
    factor : float
        The gain.
    """
    return image * factor


def _fake_complete(image):
    """Brighten an image.

    Taught in notebook 01, section 'The data'.

    Parameters
    ----------
    image : numpy.ndarray
        The image.

    Returns
    -------
    numpy.ndarray
        The image, doubled.
    """
    return image * 2


def _fake_returns_nothing(path):
    """Write nothing.

    Used in notebook 03.

    Parameters
    ----------
    path : str
        Where.
    """
    if not path:
        return
    print(path)


def test_the_check_fails_on_a_missing_section():
    assert problems(_fake_no_returns, {"01"}) == ["no Returns (or Yields) section"]
    assert problems(_fake_complete, {"01"}) == []
    assert problems(_fake_returns_nothing, {"03"}) == []


def test_the_check_fails_on_a_missing_or_wrong_notebook():
    assert "does not say which notebook" in problems(_fake_complete, {"02"})[0]
    headings = {"01": {"The data"}}
    assert problems(_fake_complete, {"01"}, headings) == []
    assert problems(_fake_complete, {"01"}, {"01": {"The pipeline"}}) == [
        "notebook 01 has no section titled 'The data'"]
    # a title with an apostrophe, wrapped over two lines, is read whole
    doc = "Taught in notebook 02, section 'The generator: the\n    report's U-Net'; also 03."
    assert _SECTION.findall(" ".join(doc.split())) == [("02", "The generator: the report's U-Net")]


def test_the_check_fails_on_missing_parameters_of_a_class():
    class Fake:
        """A thing. Taught in notebook 04."""

        def __init__(self, size):
            self.size = size

    assert problems(Fake, {"04"}) == ["no Parameters section"]


@pytest.mark.parametrize("source, expected", [
    ("from lowlight_utils.metrics import psnr, ssim as s\n",
     {("lowlight_utils.metrics", "psnr"), ("lowlight_utils.metrics", "ssim")}),
    ("from lowlight_utils import pix2pix\nm = pix2pix.Pix2Pix()\n",
     {("lowlight_utils", "pix2pix"), ("lowlight_utils.pix2pix", "Pix2Pix")}),
    ("import numpy as np\nfrom os import path\nx = np.zeros(1)\n", set()),
])
def test_imported_names_reads_the_notebooks_imports(source, expected):
    assert imported_names(source) == expected


if __name__ == "__main__":
    total, incomplete = report()
    for key, missing in incomplete.items():
        print(f"{key}: {'; '.join(missing)}")
    sections_only = total - sum(
        any(m.startswith("no ") for m in missing) for missing in incomplete.values())
    complete = total - len(incomplete)
    print(f"{sections_only} of {total} names the notebooks import have their Parameters and "
          f"Returns sections ({100 * sections_only / total:.0f} %); {complete} of {total} are "
          f"complete, the teaching notebook named too ({100 * complete / total:.0f} %)")
    sys.exit(1 if incomplete else 0)
