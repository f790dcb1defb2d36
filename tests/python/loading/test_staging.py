"""The staged publish itself (tagifai.warehouse.staging), the one mechanism every writer uses: a failed
writer publishes nothing, a run stage refuses to publish over another writer's publish, and a second
writer is refused while the first holds the lock."""

from pathlib import Path

import duckdb
import pytest

from tagifai.warehouse.staging import (
    StalePublishError,
    WarehouseBusyError,
    open_run_stage,
    publish_run_stage,
    run_stage,
    staged_write,
)


def _write(path: Path, value: str) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create or replace table marker as select ? as value", [value])


def _read(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select value from marker").fetchone()[0]


@pytest.fixture()
def published(tmp_path: Path) -> Path:
    path = tmp_path / "w" / "tagifai.duckdb"
    path.parent.mkdir()
    _write(path, "first")
    return path


def test_a_writer_that_fails_publishes_nothing(published: Path) -> None:
    before = published.read_bytes()
    with pytest.raises(RuntimeError, match="the build failed"), staged_write(published) as stage:
        _write(stage, "half-built")
        raise RuntimeError("the build failed")
    assert published.read_bytes() == before
    assert _read(published) == "first"


def test_a_writer_that_succeeds_publishes_and_an_open_reader_keeps_the_old_file(published: Path) -> None:
    reader = duckdb.connect(str(published), read_only=True)
    try:
        with staged_write(published) as stage:
            _write(stage, "second")
        assert reader.execute("select value from marker").fetchone()[0] == "first"
    finally:
        reader.close()
    assert _read(published) == "second"


def test_a_run_stage_refuses_to_publish_over_another_writers_publish(published: Path) -> None:
    stage = run_stage(published, "run-1")
    _write(open_run_stage(stage), "the run's build")
    with staged_write(published) as other:  # another build publishes while the run is between its steps
        _write(other, "another build")
    with pytest.raises(StalePublishError, match="published by another writer after this one copied it"):
        publish_run_stage(stage)
    assert _read(published) == "another build"


def test_a_run_stage_publishes_when_nobody_published_meanwhile(published: Path) -> None:
    stage = run_stage(published, "run-2")
    _write(open_run_stage(stage), "the run's build")
    publish_run_stage(stage)
    assert _read(published) == "the run's build"
    assert not stage.folder.exists()


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(published: Path) -> None:
    with staged_write(published) as stage:
        _write(stage, "first writer")
        with pytest.raises(WarehouseBusyError, match="refused: another writer"), staged_write(published):
            pass
    assert _read(published) == "first writer"
