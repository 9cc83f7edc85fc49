"""The course runner: execute every notebook in order and write a browsable report.

``python -m lowlight_utils.course`` (what ``make course`` runs) executes
``notebooks/NN_*.ipynb`` in the current profile with the Jupyter kernel of this Python,
writes each executed notebook and its HTML to ``build/course/``, prints the time each took,
and stops at the first failing notebook, naming it and the failing cell.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


class NotebookFailed(RuntimeError):
    """A notebook raised; the message names the notebook and the cell."""


def run_notebook(path: Path, out_dir: Path, timeout: int = 1800) -> float:
    """Execute ``path`` (cwd = its folder), write ``.ipynb`` and ``.html`` to ``out_dir``.

    Returns
    -------
    float
        Seconds taken.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    failure = None
    try:
        client.execute()
    except CellExecutionError as err:
        failure = err
    seconds = time.perf_counter() - t0
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    html, _ = HTMLExporter().from_notebook_node(nb)
    (out_dir / path.with_suffix(".html").name).write_text(html, encoding="utf-8")
    if failure is not None:
        cell = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" for o in c.get("outputs", []))), "?")
        raise NotebookFailed(f"{path.name} failed in cell {cell}:\n{failure}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lowlight_utils.course", description=__doc__)
    parser.add_argument("--notebooks", default="notebooks", help="folder of NN_*.ipynb")
    parser.add_argument("--out", default="build/course", help="where the report goes")
    args = parser.parse_args(argv)

    from .config import get_profile

    profile = get_profile()
    print(f"Running the course in {profile}")
    notebooks = sorted(Path(args.notebooks).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        print(f"no notebooks found in {args.notebooks}", file=sys.stderr)
        return 2
    out = Path(args.out)
    total = 0.0
    for i, nb in enumerate(notebooks, 1):
        print(f"[{i}/{len(notebooks)}] {nb.name} ...", end="", flush=True)
        try:
            seconds = run_notebook(nb.resolve(), out)
        except NotebookFailed as err:
            print(" FAILED")
            print(err, file=sys.stderr)
            print(f"The executed notebook with the error is in {out / nb.name}", file=sys.stderr)
            return 1
        total += seconds
        print(f" {seconds:.0f} s")
    print(f"Done in {total:.0f} s. Open {out}/ (one .html per notebook).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
