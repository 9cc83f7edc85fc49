"""The student edition: every notebook with its worked solutions taken out.

An exercise is a markdown cell tagged ``exercise``; its worked solution is the cells tagged
``solution`` after it (code that runs, and a markdown cell saying what to expect). The student
edition keeps every exercise and replaces each run of solution cells with one code cell for
the student's answer, holding only a comment. ``make course`` writes it to
``build/course/student/``.

The student edition runs top to bottom with those answer cells untouched only if no cell it
keeps reads a name that only a solution defines (a final cell of asserts on an exercise's
result, say): ``solution_only_names`` finds such cells, and ``make course`` / ``make site``
report them.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[
...     nbformat.v4.new_markdown_cell("Try n_critic = 1.", metadata={"tags": ["exercise"]}),
...     nbformat.v4.new_code_cell("train(n_critic=1)", metadata={"tags": ["solution"]})])
>>> [c.cell_type for c in student_edition(nb).cells]
['markdown', 'code']
"""

from __future__ import annotations

import ast
import builtins
import copy
from pathlib import Path

EXERCISE, SOLUTION = "exercise", "solution"
ANSWER_TAG = "answer"
ANSWER_SOURCE = ("# Your answer here: the exercise above says what to write and which "
                 "function checks it.")


def tags(cell) -> set[str]:
    """The cell's tags as a set (empty when it has none)."""
    return set(cell.get("metadata", {}).get("tags", []))


def count_tagged(nb, tag: str) -> int:
    """How many cells of ``nb`` carry ``tag``."""
    return sum(tag in tags(c) for c in nb.cells)


def _parse(source: str, where: str) -> ast.Module | None:
    """The cell's code as a syntax tree; IPython magics and shell lines become blank."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line
             for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines), filename=where)
    except SyntaxError:
        return None


def _bound_at_top(tree: ast.Module) -> set[str]:
    """Names a cell binds in the notebook's namespace (not inside functions or classes)."""
    bound: set[str] = set()

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            return
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                             ast.GeneratorExp)):
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return bound


def _bound_anywhere(tree: ast.Module) -> set[str]:
    """Every name the cell binds, its functions' arguments and locals included."""
    names = {n.id for n in ast.walk(tree)
             if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    names |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    return names | _bound_at_top(tree)


def solution_only_names(nb) -> list[str]:
    """Cells the student edition keeps that read a name only a ``solution`` cell defines.

    The student edition removes the solutions, so such a cell stops the student's notebook
    with a ``NameError`` although the student left nothing out. The check is static (the
    cells' syntax trees): a name bound at the top level of a solution cell and not bound by
    any kept cell before the one that reads it. A name the reading cell binds itself (an
    argument, a local) is not counted.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The full notebook, solutions included.

    Returns
    -------
    list of str
        ``"cell N reads `name`, which only a solution cell defines (cell M)"`` for each such
        read, N and M counting all cells from 0; empty when the student edition is
        self-contained.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("best = 3", metadata={"tags": ["solution"]}),
    ...     nbformat.v4.new_code_cell("assert best > 2")])
    >>> solution_only_names(nb)
    ['cell 1 reads `best`, which only a solution cell defines (cell 0)']
    """
    kept: set[str] = set(dir(builtins))
    only_solution: dict[str, int] = {}
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tree = _parse(cell.source, f"cell {i}")
        if tree is None:
            continue
        top = _bound_at_top(tree)
        if SOLUTION in tags(cell):
            for name in top - kept:
                only_solution.setdefault(name, i)
            continue
        reads = {n.id for n in ast.walk(tree)
                 if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        for name in sorted((reads & only_solution.keys()) - _bound_anywhere(tree)):
            found.append(f"cell {i} reads `{name}`, which only a solution cell defines "
                         f"(cell {only_solution[name]})")
        kept |= top
        for name in top:
            only_solution.pop(name, None)
    return found


def student_edition(nb):
    """Return a copy of ``nb`` without its ``solution`` cells (the input is not modified).

    Each run of consecutive solution cells becomes one empty code cell tagged ``answer``;
    outputs and execution counts of the remaining code cells are cleared, so the student
    runs the notebook from the top.

    Raises
    ------
    ValueError
        If a cell is tagged both ``exercise`` and ``solution``.
    """
    import nbformat

    cells = []
    for i, cell in enumerate(nb.cells):
        cell_tags = tags(cell)
        if {EXERCISE, SOLUTION} <= cell_tags:
            raise ValueError(f"cell {i} is tagged both '{EXERCISE}' and '{SOLUTION}'")
        if SOLUTION in cell_tags:
            if not cells or ANSWER_TAG not in tags(cells[-1]):
                cells.append(nbformat.v4.new_code_cell(
                    ANSWER_SOURCE, metadata={"tags": [ANSWER_TAG]}))
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    out = copy.deepcopy(nb)
    out.cells = cells
    return out


def write_student_edition(notebooks: list[Path], out_dir: Path) -> list[Path]:
    """Write the student edition of each notebook into ``out_dir`` (same file names).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ValueError
        If a notebook cannot be read, if ``out_dir`` would overwrite one of ``notebooks``, or
        if the edition lost an exercise or kept a solution (a check on this function).
    """
    import nbformat

    out_dir = Path(out_dir)
    written = []
    for path in notebooks:
        path = Path(path)
        target = out_dir / path.name
        if target.resolve() == path.resolve():
            raise ValueError(f"the student edition of {path} would overwrite it; choose "
                             "another output folder")
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as err:  # nbformat raises several kinds; name the file
            raise ValueError(f"{path}: not a readable notebook ({err})") from err
        student = student_edition(nb)
        if (count_tagged(student, EXERCISE) != count_tagged(nb, EXERCISE)
                or count_tagged(student, SOLUTION)):
            raise ValueError(f"{path}: the student edition lost an exercise or kept a solution")
        out_dir.mkdir(parents=True, exist_ok=True)
        nbformat.write(student, target)
        written.append(target)
    return written
