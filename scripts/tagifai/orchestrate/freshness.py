"""Source freshness as `dbt source freshness` judges it, read from the published warehouse for the sensors.

The rules are the ones in models/staging/*/_*__sources.yml (`loaded_at_field`, `freshness: warn_after /
error_after`), read from the dbt manifest the Dagster definitions load, so that the YAML stays the one place
they are set. Each source's age is dbt's: the warehouse's now() minus max(loaded_at_field), a source with no
row being infinitely old; the status is error past error_after, else warn past warn_after, else pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

PERIODS = {"minute": "minutes", "hour": "hours", "day": "days"}
STATUSES = ("pass", "warn", "error")


@dataclass(frozen=True)
class FreshnessRule:
    """One source table's freshness rule, as the manifest resolves it from the YAML."""

    source: str  # <source name>.<table name>, as dbt names it
    schema: str
    table: str
    loaded_at_field: str
    warn_after: timedelta | None
    error_after: timedelta | None
    filter: str | None
    yaml_path: str


@dataclass(frozen=True)
class SourceFreshness:
    rule: FreshnessRule
    max_loaded_at: datetime | None
    age: timedelta | None  # None: the table has no row (dbt: loaded infinitely long ago)

    @property
    def status(self) -> str:
        """dbt's verdict: error past error_after, else warn past warn_after, else pass (both strictly past)."""
        for status, limit in (("error", self.rule.error_after), ("warn", self.rule.warn_after)):
            if limit is not None and (self.age is None or self.age > limit):
                return status
        return "pass"

    def describe(self) -> str:
        rule = self.rule
        limits = ", ".join(
            f"{name} after {_duration(limit)}"
            for name, limit in (("warn", rule.warn_after), ("error", rule.error_after))
            if limit is not None
        )
        seen = "no row loaded" if self.age is None else f"last loaded {_duration(self.age)} ago"
        return f"{rule.source} {self.status}: {seen} ({limits}; {rule.yaml_path})"


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} s"


def _limit(threshold: dict | None) -> timedelta | None:
    if not threshold or threshold.get("count") is None or threshold.get("period") is None:
        return None
    return timedelta(**{PERIODS[threshold["period"]]: threshold["count"]})


def freshness_rules(manifest: Path) -> list[FreshnessRule]:
    """The sources of the dbt manifest that have a freshness rule, sorted by name."""
    rules = []
    for node in json.loads(manifest.read_text(encoding="utf-8"))["sources"].values():
        freshness = node.get("freshness") or {}
        warn_after, error_after = _limit(freshness.get("warn_after")), _limit(freshness.get("error_after"))
        if not node.get("loaded_at_field") or (warn_after is None and error_after is None):
            continue
        rules.append(
            FreshnessRule(
                source=f"{node['source_name']}.{node['name']}",
                schema=node["schema"],
                table=node["identifier"],
                loaded_at_field=node["loaded_at_field"],
                warn_after=warn_after,
                error_after=error_after,
                filter=freshness.get("filter"),
                yaml_path=node["original_file_path"],
            )
        )
    return sorted(rules, key=lambda rule: rule.source)


def check_freshness(con: duckdb.DuckDBPyConnection, rules: list[FreshnessRule]) -> list[SourceFreshness]:
    """Each rule's source checked with the query dbt's collect_freshness runs (max of the field, and now())."""
    results = []
    for rule in rules:
        where = f" where {rule.filter}" if rule.filter else ""
        max_loaded_at, now = con.execute(
            f'select max({rule.loaded_at_field}), now() from "{rule.schema}"."{rule.table}"{where}'
        ).fetchone()
        if isinstance(max_loaded_at, datetime) and max_loaded_at.tzinfo is None:
            max_loaded_at = max_loaded_at.replace(tzinfo=UTC)  # dbt reads a naive time as UTC
        age = None if max_loaded_at is None else now - max_loaded_at
        results.append(SourceFreshness(rule, max_loaded_at, age))
    return results
