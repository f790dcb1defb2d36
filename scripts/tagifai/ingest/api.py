"""The loader's Python API: `load(warehouse, LoadOptions(...))` lands the source files in raw.*.

`load` writes a staged copy of the warehouse and publishes it (tagifai.warehouse.staging); `load_into`
writes a file the caller already holds (a stage of make build, Dagster or the dbt plugin). The CLI
(`tagifai-load`), `tagifai-build`, Dagster and `tagifai-annotate pull` all call these.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tagifai import settings
from tagifai.errors import TagifaiError
from tagifai.ingest import label_studio
from tagifai.ingest.annotations import ANNOTATIONS, EXAMPLE_ANNOTATIONS, ensure_raw_table
from tagifai.ingest.fetch import Sources
from tagifai.ingest.load import LoadReport, SourceFile
from tagifai.ingest.load import load as load_files
from tagifai.ingest.records import SPECS
from tagifai.pause import pause_point
from tagifai.warehouse.staging import staged_write, writer_lock

log = logging.getLogger("tagifai.load")

ANNOTATION_FORMATS = ("auto", "tagifai", label_studio.FORMAT_NAME)
SOURCE_NAMES = tuple(sorted([*SPECS, ANNOTATIONS.name, EXAMPLE_ANNOTATIONS.name]))


@dataclass(frozen=True)
class LoadOptions:
    """What to load. The defaults load projects.json and tags.json from $TAGIFAI_DATA_DIR (else the
    public URLs), keep projects missing from the file, and set bad records aside."""

    data_dir: Path | None = None  # folder with projects.json and tags.json; None: $TAGIFAI_DATA_DIR, else URLs
    projects: Path | None = None  # this projects file instead of the folder's
    tags: Path | None = None  # this tags file instead of the folder's
    annotations: Path | None = None  # annotations (.csv/.json) or a Label Studio export
    annotations_format: str = "auto"  # auto (a Label Studio export is recognised by its shape), tagifai, label-studio
    example_annotations: Path | None = None  # example annotations (make demo), kept apart from real ones
    label_studio_exports: tuple[Path, ...] = ()  # Label Studio exports pulled to files (Dagster's run loads them)
    only: tuple[str, ...] = ()  # load only these sources (names of SOURCE_NAMES); empty: all given
    strict: bool = False  # refuse a file (load nothing) if any record is rejected
    replace: bool = False  # the projects file is complete: delete projects missing from it

    def __post_init__(self) -> None:
        if self.annotations_format not in ANNOTATION_FORMATS:
            raise TagifaiError(
                f"annotations format {self.annotations_format!r}: expected one of {', '.join(ANNOTATION_FORMATS)}"
            )
        unknown = sorted(set(self.only) - set(SOURCE_NAMES))
        if unknown:
            raise TagifaiError(f"unknown source {', '.join(unknown)}: expected some of {', '.join(SOURCE_NAMES)}")

    def wants(self, source: str) -> bool:
        return not self.only or source in self.only


def _existing(path: Path, option: str) -> Path:
    resolved = path.expanduser().resolve()
    if not resolved.is_file():
        raise TagifaiError(f"{resolved}: file not found (given as {option})")
    return resolved


def _is_label_studio(options: LoadOptions) -> bool:
    """True when the annotations file is a Label Studio export (by format, else by its shape) and is to be loaded."""
    if options.annotations is None or not options.wants(ANNOTATIONS.name):
        return False
    if options.annotations_format != "auto":
        return options.annotations_format == label_studio.FORMAT_NAME
    return label_studio.looks_like_export(options.annotations.expanduser().resolve())


def _source_files(options: LoadOptions, sources: Sources) -> list[SourceFile]:
    explicit = {"projects": options.projects, "tags": options.tags}
    if options.only:
        names = [name for name in options.only if name in explicit]
    else:
        names = [name for name in ("tags", "projects") if explicit.get(name) or not any(explicit.values())]
    files = []
    for name in names:
        spec = SPECS[name]
        given = explicit.get(name)
        if given is not None:
            local = _existing(given, f"--{name}")
            uri = str(local)
        else:
            local, uri = sources.resolve(settings.FILE_NAMES[name], settings.PUBLIC_URLS[name])
        files.append(SourceFile(spec, local, uri, replace_all=(spec.complete or options.replace)))
    return files + _annotation_files(options)


def _annotation_files(options: LoadOptions) -> list[SourceFile]:
    """The annotations and example annotations files. Example annotations always replace the earlier
    example set; real ones upsert unless `replace`."""
    files = []
    for spec, given, option, replace_all in (
        (ANNOTATIONS, options.annotations, "--annotations", options.replace),
        (EXAMPLE_ANNOTATIONS, options.example_annotations, "--example-annotations", True),
    ):
        if given is None:
            if options.only and spec.name in options.only:
                raise TagifaiError(f"--only {spec.name} needs the file: add {option} PATH (.csv or .json)")
            continue
        if not options.wants(spec.name):
            continue
        path = _existing(given, option)
        if spec is ANNOTATIONS and _is_label_studio(options):
            continue  # a Label Studio export: label_studio.load_export (see load_into)
        files.append(SourceFile(spec, path, str(path), replace_all=replace_all))
    return files


def load_into(db_file: Path, options: LoadOptions) -> list[LoadReport]:
    """Load the sources into `db_file` (which the caller holds) in one transaction; return what was done."""
    with Sources(settings.data_dir(str(options.data_dir) if options.data_dir else None)) as sources:
        files = _source_files(options, sources)
        with duckdb.connect(str(db_file), config=settings.duckdb_config()) as con:
            reports = load_files(con, files, strict=options.strict)
            exports = [_existing(path, "a Label Studio export") for path in options.label_studio_exports]
            if _is_label_studio(options):
                assert options.annotations is not None
                exports.insert(0, options.annotations.expanduser().resolve())
            for path in exports:
                reports.append(label_studio.load_export(con, path, str(path), strict=options.strict))
            ensure_raw_table(con)
            label_studio.ensure_raw_table(con)
    for report in reports:
        log.info(report.summary())
    pause_point("loaded")
    return reports


def load(warehouse: Path, options: LoadOptions, in_place: bool = False) -> list[LoadReport]:
    """Load into a staged copy of `warehouse` and publish it atomically (readers keep the old file until
    they reconnect; a failure publishes nothing). `in_place` writes the file itself (no copy, but it
    fails while anyone has the file open)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    if in_place:
        with writer_lock(warehouse):
            return load_into(warehouse, options)
    with staged_write(warehouse) as stage:
        return load_into(stage, options)
