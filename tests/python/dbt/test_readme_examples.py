"""Every ```sh and ```sql example of README.md and docs/*.md runs as written, in document order, on a
scratch copy of the project with its own warehouse and HOME, so a broken example fails `make test`.

Commands that take long or change the machine are not run; each is listed in SKIPPED with the reason.
A new page or section (dataset releases, Label Studio) needs nothing here unless one of its commands
belongs in that list."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from support.commands import REPO_ROOT

# A command (one line of a sh block, after joining `\` continuations) matching one of these is not run.
SKIPPED = {
    # the test suite itself, or part of it: this test runs inside it
    r"^make (test|test-fast|test-spark|pytest|lint|dbt-score)\b": "runs the test suite this test is part of",
    # minutes of generated data at 200k to 20M projects; the benchmark has its own smoke test
    r"^make bench\b|benchmarks/bench\.py|benchmarks/generate\.py": "the benchmark: minutes on generated data",
    r"--data-dir /tmp/tagifai-200k": "reads the 200k data the skipped generator writes",
    # Java and a Spark session: covered by tests/python/spark
    r"^make (setup-spark|build-spark)\b|TAGIFAI_TARGET=spark|tagifai-export-spark": "needs Java 17 and Spark",
    r"spark-warehouse": "reads what the skipped Spark build writes",
    # a server that runs until stopped: test_docs_site.py serves the same site
    r"^make docs-serve\b": "a web server that runs until Ctrl-C",
    # servers that run until stopped: tests/python/labelstudio and tests/python/orchestrate start real ones
    r"^make (label-studio|orchestrate)\b": "a server that runs until Ctrl-C",
    r"tagifai-annotate (push|pull)\b": "needs a running Label Studio: test_round_trip.py pushes and pulls",
    r"--annotations export\.json": "the reader's own Label Studio export: tests/python/labelstudio reads stored ones",
    # the README's walk-through releases only the 2021-03 data
    r"tagifai-release diff 2021-03 2021-05": "needs a release of the 2021-05 data: tests/python/release diffs both",
}

PAGES = ["README.md", *sorted(str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```(sh|sql|python)\n(.*?)^```", re.S | re.M)
# Placeholders the pages use for the reader's own folders, and what stands in for them here.
PLACEHOLDERS = {
    "/path/to/madewithml-2021-03": "madewithml-2021-03",
    "/path/to/madewithml-2021-05": "madewithml-2021-05",
}


def blocks() -> list[tuple[str, int, str, str]]:
    """(page, line, language, text) of every sh, sql and python block, in reading order."""
    found = []
    for page in PAGES:
        text = (REPO_ROOT / page).read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            found.append((page, text.count("\n", 0, match.start()) + 1, match.group(1), match.group(2)))
    return found


def commands(block: str) -> list[str]:
    """The block's commands: lines with `\\` continuations joined, blank lines and comments left out."""
    joined = re.sub(r"\\\n\s*", "", block)
    return [line for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def skip_reason(command: str) -> str | None:
    for pattern, reason in SKIPPED.items():
        if re.search(pattern, command):
            return reason
    return None


def test_every_block_is_found_and_every_skip_is_used() -> None:
    found = blocks()
    assert {page for page, *_ in found} >= {"README.md", "docs/loading.md", "docs/operating.md"}
    used = {
        pattern
        for *_, lang, text in found
        if lang == "sh"
        for pattern in SKIPPED
        for c in commands(text)
        if re.search(pattern, c)
    }
    assert used == set(SKIPPED), f"unused entries in SKIPPED: {set(SKIPPED) - used}"


@pytest.fixture(scope="module")
def scratch(real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project (tracked and new files, modification times kept so make does not reinstall),
    sharing .venv, with ../shared/datasets beside it as in the docs, and no warehouse yet."""
    root = tmp_path_factory.mktemp("readme")
    project = root / "project"
    listed = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "ls-files", "-co", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        source = REPO_ROOT / name
        if source.is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    (project / ".venv").symlink_to(REPO_ROOT / ".venv")
    (root / "shared").mkdir()
    (root / "shared" / "datasets").symlink_to(real_data_dir.parent)
    (root / "home").mkdir()
    return project


def _env(project: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TAGIFAI_", "DBT_")) and name not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
    }
    # The package is installed editable from the real checkout: the copy's own scripts/ come first, so the
    # commands use the copy's paths (settings.PROJECT_ROOT). The README's first `make build` has no data
    # folder; the shared copy stands in for the download.
    env["PYTHONPATH"] = str(project / "scripts")
    env.update(
        HOME=str(project.parent / "home"),
        TAGIFAI_DATA_DIR=str(project.parent / "shared" / "datasets" / "madewithml-2021-03"),
    )
    return env


def _with_folders(text: str, project: Path) -> str:
    for placeholder, name in PLACEHOLDERS.items():
        text = text.replace(placeholder, str(project.parent / "shared" / "datasets" / name))
    return text


def test_every_example_runs_as_written(scratch: Path) -> None:
    failures, ran = [], 0
    for page, line, lang, text in blocks():
        where = f"{page}:{line}"
        text = _with_folders(text, scratch)
        if lang == "python":
            result = subprocess.run(
                [str(scratch / ".venv" / "bin" / "python"), "-c", text],
                cwd=scratch,
                capture_output=True,
                text=True,
                env=_env(scratch),
                check=False,
            )
            ran += 1
            if result.returncode != 0:
                failures.append(f"{where}: python block exited {result.returncode}: {result.stderr[-1500:]}")
            continue
        if lang == "sql":
            warehouse = scratch / "warehouse" / "tagifai.duckdb"
            with duckdb.connect(str(warehouse), read_only=True) as con:
                for statement in (s for s in text.split(";") if re.search(r"\bselect\b", s)):
                    try:
                        con.execute(statement).fetchall()
                        ran += 1
                    except duckdb.Error as exc:
                        failures.append(f"{where}: {statement.strip()!r}: {str(exc).splitlines()[0]}")
            continue
        # One script per block, so an `export` reaches the block's next command, as in a terminal.
        script = [command for command in commands(text) if skip_reason(command) is None]
        if not script:
            continue
        result = subprocess.run(
            ["bash", "-c", "set -euo pipefail\n" + "\n".join(script)],
            cwd=scratch,
            capture_output=True,
            text=True,
            env=_env(scratch),
            check=False,
        )
        ran += len(script)
        if result.returncode != 0:
            failures.append(f"{where}: exited {result.returncode}: {result.stdout[-1500:]} {result.stderr[-800:]}")
    assert not failures, "\n".join(failures)
    assert ran > 30


def test_every_table_the_readme_lists_is_built(real_warehouse: Path) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The tables", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`((?:raw|marts)\.[a-z_]+)`", section))
    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        rows = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    built = {f"{schema}.{table}" for schema, table in rows}
    assert len(named) > 10 and named <= built, sorted(named - built)
