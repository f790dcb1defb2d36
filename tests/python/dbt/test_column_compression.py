"""A contracted column whose meta names `duckdb_compression` is stored with that compression on DuckDB
(macro duckdb__get_table_columns_and_constraints): labeled_projects.text with ZSTD, the other columns with
DuckDB's own choice. The rows are the same either way (the parity tests compare them with the lesson)."""

from pathlib import Path


def _compressions(query, table: str) -> dict[str, set[str]]:
    rows = query(f"select column_name, compression from pragma_storage_info('{table}')")
    found: dict[str, set[str]] = {}
    for column, compression in rows:
        found.setdefault(column, set()).add(compression)
    return found


def test_labeled_projects_text_is_stored_with_zstd(query) -> None:
    found = _compressions(query, "marts.labeled_projects")
    # Constant marks the validity (null mask) segments of a column with no nulls.
    assert found["text"] - {"Constant"} == {"ZSTD"}, found
    for column in ("title", "description"):
        assert "ZSTD" not in found[column], found


def test_the_ddl_names_the_compression_only_for_that_column(real_warehouse: Path) -> None:
    # run_dbt (commands.py) writes dbt's target folder next to the warehouse.
    run_file = real_warehouse.parent / "dbt_target" / "run" / "tagifai" / "models" / "marts" / "labeled_projects.sql"
    ddl = run_file.read_text()
    assert ddl.count("using compression") == 1 and "text TEXT using compression zstd" in ddl, ddl[:800]
