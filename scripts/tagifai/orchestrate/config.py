"""Where the workflow reads its inputs and thresholds: environment variables, with documented defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tagifai import settings
from tagifai.release.store import file_sha256

ANNOTATIONS_ENV = "TAGIFAI_ANNOTATIONS"
SCHEDULE_ENV = "TAGIFAI_SCHEDULE_CRON"
ANNOTATE_MIN_ENV = "TAGIFAI_ANNOTATE_MIN_PROJECTS"
LABEL_STUDIO_URL_ENV = "TAGIFAI_LABEL_STUDIO_URL"  # as tagifai-annotate reads it
DEFAULT_SCHEDULE = "0 3 * * *"
DEFAULT_ANNOTATE_MIN = 50


def _positive_int(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"${name}={text!r}: expected a whole number of at least 1, e.g. {name}={default}")
    return int(text)


@dataclass(frozen=True)
class WorkflowConfig:
    """The settings one sensor tick or run reads, taken from the environment when it starts."""

    warehouse: Path
    data_dir: Path | None
    annotations: Path | None
    schedule: str
    annotate_min_projects: int
    label_studio_url: str | None

    @classmethod
    def from_env(cls) -> WorkflowConfig:
        annotations = os.environ.get(ANNOTATIONS_ENV, "").strip()
        return cls(
            warehouse=settings.duckdb_path(),
            data_dir=settings.data_dir(None),
            annotations=Path(annotations).expanduser().resolve() if annotations else None,
            schedule=os.environ.get(SCHEDULE_ENV, "").strip() or DEFAULT_SCHEDULE,
            annotate_min_projects=_positive_int(ANNOTATE_MIN_ENV, DEFAULT_ANNOTATE_MIN),
            label_studio_url=os.environ.get(LABEL_STUDIO_URL_ENV, "").strip() or None,
        )

    @property
    def label_studio_export(self) -> Path:
        """Where the Label Studio pull writes the export that the next load reads."""
        return self.warehouse.parent / "label_studio" / "export.json"

    def annotations_to_load(self) -> Path | None:
        """$TAGIFAI_ANNOTATIONS when it names a file (a Label Studio pull loads its export itself)."""
        if self.annotations is not None and self.annotations.is_file():
            return self.annotations
        return None

    def source_files(self) -> dict[str, Path]:
        """The local source files the sensor watches (none when the build reads the public URLs)."""
        if self.data_dir is None:
            return {}
        files = {name: self.data_dir / file_name for name, file_name in settings.FILE_NAMES.items()}
        if self.annotations is not None:
            files["annotations"] = self.annotations
        return files


def source_hashes(config: WorkflowConfig) -> dict[str, str]:
    """sha256 of each watched file; a missing file hashes as 'missing' so that its return is noticed."""
    return {name: file_sha256(path) if path.is_file() else "missing" for name, path in config.source_files().items()}
