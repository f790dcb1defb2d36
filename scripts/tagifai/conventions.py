"""dbt-score rules for the conventions in DBT_STYLE.md; `make dbt-score` fails below a perfect score."""

# No `from __future__ import annotations`: dbt-score reads the real annotation types at run time.

from dbt_score import Model, RuleViolation, Severity, rule

# Model-level tests that are a primary-key test by themselves; `primary_key` (tests/generic) is also one on a
# column, as is the pair unique + not_null.
PRIMARY_KEY_MODEL_TESTS = {"unique_combination_of_columns", "primary_key"}


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


def _has_primary_key_test(model: Model) -> bool:
    if any(test.type in PRIMARY_KEY_MODEL_TESTS for test in model.tests):
        return True
    for column in model.columns:
        kinds = {test.type for test in column.tests}
        if "primary_key" in kinds or {"unique", "not_null"} <= kinds:
            return True
    return False


@rule(severity=Severity.CRITICAL)
def model_has_primary_key_test(model: Model) -> RuleViolation | None:
    """Every model has a primary-key test: primary_key, unique + not_null on a column, or a combination test."""
    if not _has_primary_key_test(model):
        return RuleViolation(
            message="No primary-key test: add primary_key on the key column (or on the model with "
            "column_names for a key of several columns)."
        )
    return None


@rule(severity=Severity.CRITICAL)
def only_staging_reads_sources(model: Model) -> RuleViolation | None:
    """Only models under models/staging/ call source()."""
    sources = [node for node in model.depends_on.get("nodes", []) if node.startswith("source.")]
    if sources and not model.original_file_path.startswith("models/staging/"):
        return RuleViolation(message=f"Non-staging model reads sources: {', '.join(sources)}.")
    return None
