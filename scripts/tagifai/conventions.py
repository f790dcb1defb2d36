"""dbt-score rules for the conventions in DBT_STYLE.md; `make dbt-score` fails below a perfect score."""

# No `from __future__ import annotations`: dbt-score reads the real annotation types at run time.

from dbt_score import Model, RuleViolation, Severity, rule

# `primary_key` (tests/generic) is a primary-key test by itself, on the model or on a column, as is the pair
# unique + not_null on a column. unique_combination_of_columns checks only uniqueness: it is one when every
# column of the combination has its own not-null check (not_null, primary_key or the model's
# not_null_columns), or is named in its `nullable_columns` as a column where null is part of the grain.
# primary_key_of_entity_and_category is primary_key for an (entity, category) key over a small category set,
# in one group by the entity (for tables of tens of millions of rows).
NOT_NULL_COLUMN_TESTS = {"not_null", "primary_key"}
PRIMARY_KEY_TESTS = {"primary_key", "primary_key_of_entity_and_category"}


@rule(severity=Severity.CRITICAL)
def model_has_description(model: Model) -> RuleViolation | None:
    """Every model has a description (stating its grain)."""
    if not model.description.strip():
        return RuleViolation(message="Model lacks a description.")
    if "grain" not in model.description.lower() and "one row per" not in model.description.lower():
        return RuleViolation(message="Model description does not state its grain ('One row per ...').")
    return None


@rule(severity=Severity.CRITICAL)
def every_column_has_description(model: Model) -> RuleViolation | None:
    """Every documented column has a description."""
    missing = [column.name for column in model.columns if not column.description.strip()]
    if missing:
        return RuleViolation(message=f"Columns lack a description: {', '.join(missing)}.")
    return None


def _null_checked_columns(model: Model) -> set[str]:
    checked = {column.name for column in model.columns if NOT_NULL_COLUMN_TESTS & {test.type for test in column.tests}}
    for test in model.tests:
        if test.type in {"not_null_columns", "primary_key"}:  # both take the key columns as column_names
            checked |= set(test.kwargs.get("column_names") or [])
    return checked


def _has_primary_key_test(model: Model) -> bool:
    null_checked = _null_checked_columns(model)
    for test in model.tests:
        if test.type in PRIMARY_KEY_TESTS:
            return True
        if test.type == "unique_combination_of_columns":
            unchecked = set(test.kwargs.get("combination_of_columns") or []) - null_checked
            if unchecked <= set(test.kwargs.get("nullable_columns") or []):
                return True
    for column in model.columns:
        kinds = {test.type for test in column.tests}
        if "primary_key" in kinds or {"unique", "not_null"} <= kinds:
            return True
    return False


@rule(severity=Severity.CRITICAL)
def model_has_primary_key_test(model: Model) -> RuleViolation | None:
    """Every model has a primary-key test: primary_key, unique + not_null on a column, or a combination test
    whose columns are null-checked (or declared nullable)."""
    if not _has_primary_key_test(model):
        return RuleViolation(
            message="No primary-key test: add primary_key on the key column (or on the model with "
            "column_names for a key of several columns); a unique_combination_of_columns counts only when "
            "each of its columns has a not-null test or is listed in its nullable_columns."
        )
    return None


@rule(severity=Severity.CRITICAL)
def only_staging_reads_sources(model: Model) -> RuleViolation | None:
    """Only models under models/staging/ call source()."""
    sources = [node for node in model.depends_on.get("nodes", []) if node.startswith("source.")]
    if sources and not model.original_file_path.startswith("models/staging/"):
        return RuleViolation(message=f"Non-staging model reads sources: {', '.join(sources)}.")
    return None
