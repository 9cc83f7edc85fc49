"""The course site: the executed notebooks as a browsable book, built with Sphinx + MyST-NB.

``build_site`` takes notebooks that were already executed (by ``make course``, or saved by
nbval during ``make test``; Sphinx never runs them again) and writes a static site whose
index page has the course's goal and the notebooks in order with one line each (from
``README.md``), the results table (``build/course/results.md`` when this run wrote it, else
the generated block of ``RESULTS.md``) and the benchmark table (``BENCHMARKS.md``), copied,
never retyped. Every page gets the theme's navigation (previous, next, the index in the
sidebar) and a table of contents. Worked solutions (cells tagged ``solution``) are collapsed
in a ``<details>`` element until the reader opens them. The course's style sheet (``CSS``)
widens the content column, lets code and outputs scroll inside their box instead of
wrapping, and keeps each "mean ± std" cell of a table on one line.

``python -m lowlight_utils.courseware.runner --no-execute`` (``make site``) builds it from
``build/course/executed/``; ``make course`` executes the notebooks first.
"""

from __future__ import annotations

import copy
import io
import re
import shutil
import sys
import tempfile
import warnings as _warnings
from pathlib import Path

from .student import EXERCISE, SOLUTION, count_tagged, tags

TITLE = "Low-light image enhancement with GANs"
#: The markers around RESULTS.md's generated results block (written by ``course --results``).
START, END = "<!-- results:start -->", "<!-- results:end -->"
#: BENCHMARKS.md's section whose table the index page shows.
BENCH_HEADING = "## Benchmarks"
SOLUTION_OPEN = '<details class="solution">\n<summary>Solution</summary>'
SOLUTION_CLOSE = "</details>"
# The README's Colab badge is an image on Google's servers; the site is self-contained and
# must work offline, so the site shows a plain link instead.
_BADGE = re.compile(r"\[!\[([^\]]*)\]\(https?://[^)]*colab-badge\.svg\)\]\(([^)]+)\)")


class SiteError(ValueError):
    """An input of the site (README, notebook) lacks what the site needs; the message says."""


def readme_goal(readme_text: str) -> str:
    """The README's introduction: the text between its title and its first ``##`` section."""
    match = re.search(r"^# .*?\n(.*?)^## ", readme_text, flags=re.S | re.M)
    if not match or not match.group(1).strip():
        raise SiteError("the README has no introduction between its '# ' title and its "
                        "first '## ' section")
    return match.group(1).strip()


def results_block(results_text: str, source: str = "RESULTS.md") -> str:
    """The generated results block of RESULTS.md (without its marker comments)."""
    if START not in results_text or END not in results_text:
        raise SiteError(f"{source} has no {START} ... {END} results block")
    return results_text.split(START, 1)[1].split(END, 1)[0].strip()


def benchmarks_section(benchmarks_text: str, source: str = "BENCHMARKS.md") -> str:
    """The ``## Benchmarks`` section of BENCHMARKS.md, up to the next ``#`` or ``##`` heading."""
    match = re.search(rf"^{re.escape(BENCH_HEADING)}\n(.*?)(?=^##? |\Z)", benchmarks_text,
                      flags=re.S | re.M)
    if not match or "|" not in match.group(1):
        raise SiteError(f"{source} has no '{BENCH_HEADING}' section with a table")
    return match.group(1).strip()


def readme_lines(readme_text: str) -> dict[str, str]:
    """``{"01": "what it teaches", ...}`` from the README's table of notebooks."""
    found = re.findall(r"^\| (\d\d) \| [^|]*\| (.+?) \|\s*$", readme_text, flags=re.M)
    return dict(found)


def notebook_title(nb, path: Path) -> str:
    """The first ``# `` heading of the notebook's first markdown cell."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^# (.+)$", cell.source, flags=re.M)
            if match:
                return match.group(1).strip()
            break
    raise SiteError(f"{path}: its first markdown cell has no '# ' title")


def notebook_summary(nb) -> str:
    """The first paragraph after the title of the notebook's first markdown cell."""
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    paragraphs = [p.strip() for p in cell.source.split("\n\n") if p.strip()]
    body = [p for p in paragraphs if not p.startswith("#")]
    return " ".join(body[0].split()) if body else ""


#: A markdown link from a notebook to a file of the repository above ``notebooks/``.
_REPO_LINK = re.compile(r"\]\((?P<q><?)\.\./(?P<path>[^)\s]+)\)")


def site_notebook(nb):
    """A copy of ``nb`` for the site: solutions collapsed, the Colab badge as a plain link.

    Each run of consecutive ``solution`` cells is wrapped between two new markdown cells
    holding ``<details class="solution"><summary>Solution</summary>`` and ``</details>``.
    Headings inside solution markdown become bold lines, so that a section boundary never
    falls inside the ``<details>`` element. A link out of ``notebooks/`` to a file of the
    repository (``[BENCHMARKS.md](../BENCHMARKS.md)``, which works in Jupyter and on GitHub)
    points at that file on GitHub instead: the site holds the notebooks only.
    """
    import nbformat

    from ..colab.source import REPO_REF, REPO_URL

    nb = copy.deepcopy(nb)
    cells, inside = [], False
    for cell in nb.cells:
        is_solution = SOLUTION in tags(cell)
        if is_solution and not inside:
            cells.append(nbformat.v4.new_markdown_cell(SOLUTION_OPEN))
        elif inside and not is_solution:
            cells.append(nbformat.v4.new_markdown_cell(SOLUTION_CLOSE))
        inside = is_solution
        if cell.cell_type == "markdown":
            cell.source = _BADGE.sub(r"[\1](\2)", cell.source)
            cell.source = _REPO_LINK.sub(rf"](\g<q>{REPO_URL}/blob/{REPO_REF}/\g<path>)",
                                         cell.source)
            if is_solution:
                cell.source = re.sub(r"^#{1,6} +(.+?) *#*$", r"**\1**", cell.source,
                                     flags=re.M)
        cells.append(cell)
    if inside:
        cells.append(nbformat.v4.new_markdown_cell(SOLUTION_CLOSE))
    nb.cells = cells
    return nb


def index_page(entries: list[dict], readme_text: str, results: str, results_source: str,
               student: bool, benchmarks: str = "") -> str:
    """The MyST source of the index page.

    ``entries`` are dicts with ``name`` (file stem), ``title``, ``line`` and ``exercises``
    (how many); ``benchmarks`` is BENCHMARKS.md's benchmark section (none: no section).
    """
    toctree = "\n".join(e["name"] for e in entries)
    items = []
    for e in entries:
        item = f"1. {{doc}}`{e['title']} <{e['name']}>`: {e['line']}"
        extras = []
        if e.get("exercises"):
            extras.append(f"{e['exercises']} exercise{'s' * (e['exercises'] > 1)}")
        if student:
            extras.append(f"student edition without solutions: "
                          f"{{download}}`{e['name']}.ipynb <student/{e['name']}.ipynb>`")
        items.append(item + (f" ({'; '.join(extras)})" if extras else ""))
    exercises = sum(e.get("exercises", 0) for e in entries)
    return "\n".join([
        f"# {TITLE}", "", readme_goal(readme_text), "",
        "```{toctree}", ":hidden:", ":maxdepth: 2", "", toctree, "```", "",
        "## The notebooks", "",
        "Read them in order."
        + (" A worked solution follows each exercise, collapsed until you open it."
           if exercises else ""), "", *items, "",
        "## Results", "", f"Copied from {results_source}.", "", results, "",
        *(["## Benchmarks", "", "Copied from `BENCHMARKS.md`.", "", benchmarks, ""]
          if benchmarks else []),
    ])


#: The course's style sheet. The theme's column is about 690 px wide on a 1280 px screen, too
#: narrow for the notebooks' 100-character lines, and its tables wrap "20.51 ± 1.65" onto
#: three lines. A narrower sidebar and page contents give the article about 800 px there;
#: code and outputs keep their lines and scroll sideways inside their box; a table keeps
#: each numeric (right-aligned) cell on one line and scrolls as a whole when wider than the
#: column. The index page has no "on this page" column (its three sections are in the text).
CSS = """\
@media (min-width: 960px) {
  .bd-page-width { max-width: 110rem; }
  .bd-sidebar-primary { width: 15rem; max-width: 15rem; flex: 0 0 15rem; }
}
@media (min-width: 1200px) {
  :root { --pst-sidebar-secondary: 13rem; }
  .bd-main .bd-content:not(:has(#pst-secondary-sidebar)) .bd-article-container {
    max-width: 100%; }
}
.bd-main .bd-content .bd-article-container .bd-article { padding-left: 1.5rem;
  padding-right: 1.5rem; }
.bd-content div.cell div.cell_input pre, .bd-content div.cell div.cell_output pre,
.bd-article div.highlight pre { overflow-x: auto; white-space: pre; font-size: 0.8125rem; }
.bd-article table.table { display: block; max-width: 100%; overflow-x: auto;
  font-size: 0.875rem; }
.bd-article table.table td.text-right, .bd-article table.table th.text-right {
  white-space: nowrap; }
"""


SPHINX_CONF = {
    "project": TITLE,
    "extensions": ["myst_nb"],
    "html_theme": "sphinx_book_theme",
    "html_title": TITLE,
    # An explicit default_mode: with none, pydata-sphinx-theme logs a console error
    # ("Got invalid theme mode").
    "html_theme_options": {"home_page_in_toc": True, "show_toc_level": 2,
                           "use_download_button": True, "show_navbar_depth": 1},
    "html_context": {"default_mode": "auto"},
    "html_show_sourcelink": False,
    "html_last_updated_fmt": None,
    # The notebooks are already executed: never run them again.
    "nb_execution_mode": "off",
    "nb_merge_streams": True,
    # No widget JavaScript from a CDN: the site must work offline; widgets show their text.
    "nb_ipywidgets_js": {},
    # A slider panel (lowlight_utils.notebook.widgets) offers a widget view and a PNG of a few
    # settings; without live widgets the site shows the PNG.
    "nb_mime_priority_overrides": [("html", "application/vnd.jupyter.widget-view+json", None)],
    "myst_heading_anchors": 3,
    "exclude_patterns": ["**.ipynb_checkpoints", "student/**"],
    "html_static_path": ["_static"],
    "html_css_files": ["course.css"],
}
# The index page's contents are its own three sections: no "on this page" column there.
SPHINX_CONF["html_theme_options"] = {**SPHINX_CONF["html_theme_options"],
                                     "secondary_sidebar_items": {"**": ["page-toc.html"],
                                                                 "index": []}}


def build_site(executed: list[Path], out_dir: Path, readme: Path, results_md: Path | None = None,
               student_dir: Path | None = None, quiet: bool = True,
               results_doc: Path | None = None, benchmarks_doc: Path | None = None) -> Path:
    """Build the site from already executed notebooks; return the path of its index page.

    Parameters
    ----------
    executed : list of Path
        Executed notebooks, in course order.
    out_dir : Path
        Where the HTML goes (``index.html`` at its top). An existing Sphinx build there is
        replaced; any other non-empty folder is refused.
    readme : Path
        The README: its introduction and its table of notebooks.
    results_md : Path, optional
        A results table written by notebook 05 in this run; used instead of RESULTS.md's
        generated block when the file exists.
    student_dir : Path, optional
        Folder of the student edition; each notebook's student file is linked for download.
    quiet : bool
        Keep Sphinx's progress off the terminal (its warnings are still printed).
    results_doc, benchmarks_doc : Path, optional
        RESULTS.md (its generated block, when ``results_md`` is absent) and BENCHMARKS.md
        (its ``## Benchmarks`` table); default: those names beside ``readme``. A missing
        BENCHMARKS.md leaves the benchmarks off the index.

    Returns
    -------
    Path
        ``out_dir / "index.html"``.

    Raises
    ------
    SiteError
        If the README or a notebook lacks what the site needs, or Sphinx reports an error.
    """

    if not executed:
        raise SiteError("no executed notebooks to build the site from")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / ".buildinfo").exists():
        raise SiteError(f"{out_dir} exists and is not a site built here; not overwriting it")
    readme_text = Path(readme).read_text(encoding="utf-8")
    docs = {"results": Path(results_doc or Path(readme).with_name("RESULTS.md")),
            "benchmarks": Path(benchmarks_doc or Path(readme).with_name("BENCHMARKS.md"))}
    with tempfile.TemporaryDirectory(prefix="course-site-") as work:
        html = _build(Path(work), executed, readme_text, results_md, student_dir, quiet, docs)
        shutil.rmtree(out_dir, ignore_errors=True)  # only once the new site is built
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(html, out_dir)
    return out_dir / "index.html"


def _build(work: Path, executed: list[Path], readme_text: str, results_md: Path | None,
           student_dir: Path | None, quiet: bool, docs: dict[str, Path]) -> Path:
    """Write the Sphinx sources into ``work/src``, build ``work/html``, return it."""
    import nbformat
    from sphinx.application import Sphinx

    lines = readme_lines(readme_text)
    src, html = work / "src", work / "html"
    src.mkdir()
    (src / "_static").mkdir()
    (src / "_static" / "course.css").write_text(CSS, encoding="utf-8")
    entries = []
    for path in executed:
        path = Path(path)
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as err:  # nbformat raises several kinds; name the file
            raise SiteError(f"{path}: not a readable notebook ({err})") from err
        if not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"):
            raise SiteError(f"{path} has no outputs: the site needs executed notebooks "
                            "(make course, or make test with --executed-dir)")
        nbformat.write(site_notebook(nb), src / path.name)
        entries.append({"name": path.stem, "title": notebook_title(nb, path),
                        "line": lines.get(path.stem[:2]) or notebook_summary(nb),
                        "exercises": count_tagged(nb, EXERCISE)})
    student = False
    if student_dir is not None and all((Path(student_dir) / Path(p).name).is_file()
                                       for p in executed):
        shutil.copytree(student_dir, src / "student")
        student = True
    if results_md is not None and Path(results_md).is_file():
        results = Path(results_md).read_text(encoding="utf-8").strip()
        source = (f"`{Path(results_md).name}`, written by notebook 05 when `make course` "
                  "executed it")
    elif docs["results"].is_file():
        results = results_block(docs["results"].read_text(encoding="utf-8"), docs["results"])
        source = f"the generated results block of `{docs['results'].name}`"
    else:
        raise SiteError(f"no results table: neither {results_md} (written by notebook 05) nor "
                        f"{docs['results']} exists")
    benchmarks = ""
    if docs["benchmarks"].is_file():
        benchmarks = benchmarks_section(docs["benchmarks"].read_text(encoding="utf-8"),
                                        docs["benchmarks"])
    (src / "index.md").write_text(
        index_page(entries, readme_text, results, source, student, benchmarks),
        encoding="utf-8")
    status, warnings = io.StringIO(), io.StringIO()
    with _warnings.catch_warnings():
        # sphinx-book-theme 1.x reads a Sphinx attribute that Sphinx 9 deprecates; harmless.
        _warnings.filterwarnings("ignore", message=r".*HandleFootnoteTransform\.app")
        app = Sphinx(str(src), None, str(html), str(work / "doctrees"), "html",
                     confoverrides=dict(SPHINX_CONF), status=status if quiet else sys.stdout,
                     warning=warnings, freshenv=True)
        app.build()
    if app.statuscode:
        raise SiteError(f"Sphinx failed building the site:\n{warnings.getvalue()}")
    if warnings.getvalue().strip():
        print(f"Sphinx warnings:\n{warnings.getvalue()}", file=sys.stderr)
    return html
