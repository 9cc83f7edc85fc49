"""Running the course on Google Colab: where it is installed from, versions, Google Drive.

:mod:`.source` is the one place that says where Colab installs the course from
(:data:`REPO_URL` at :data:`REPO_REF`). The notebooks' setup cell runs before the package
exists, so it cannot import it: it carries a copy of that source in one line
(``COURSE_SOURCE = "git+URL@REF"``), and every notebook's "Open in Colab" badge names the
same repository and ref. A test checks both against it. After forking the course,
one command points all of them (and :mod:`.source`) at the fork::

    python -m lowlight_utils.colab --repo https://github.com/YOU/lowlight-gan-course --ref main

The test run records the versions it passed with (Python, TensorFlow, Keras, NumPy) in
``lowlight_utils/tested_versions.json``, shipped with the package; on Colab the setup cell
prints them beside the runtime's own and warns when a major version differs
(:func:`report_versions`), because Colab upgrading its TensorFlow, Keras or NumPy is the
commonest way a notebook course breaks.

:func:`use_drive` mounts Google Drive and points the runs root (``$LOWLIGHT_RUNS_DIR``,
read by :func:`lowlight_utils.config.runs_dir`) at a Drive folder, so training that a
closed session interrupted resumes in the next one.

One module per job: :mod:`.source` (install source, badges, rewriting them for a fork),
:mod:`.versions` (tested and runtime versions), :mod:`.drive` (Google Drive) and
:mod:`.cli` (the command line); everything is importable from here.
"""

from .drive import DRIVE_FOLDER, point_runs_at, use_drive
from .source import (
    REPO_REF,
    REPO_URL,
    badge_url,
    github_repo,
    install_source,
    notebook_sources,
    set_source,
    setup_source_line,
)
from .versions import (
    BREAKING_LEVEL,
    TESTED_VERSIONS_FILE,
    major_differences,
    record_tested_versions,
    report_versions,
    runtime_versions,
    tested_versions,
    version_report,
)

__all__ = [
    "BREAKING_LEVEL",
    "DRIVE_FOLDER",
    "REPO_REF",
    "REPO_URL",
    "TESTED_VERSIONS_FILE",
    "badge_url",
    "github_repo",
    "install_source",
    "major_differences",
    "notebook_sources",
    "point_runs_at",
    "record_tested_versions",
    "report_versions",
    "runtime_versions",
    "set_source",
    "setup_source_line",
    "tested_versions",
    "use_drive",
    "version_report",
]
