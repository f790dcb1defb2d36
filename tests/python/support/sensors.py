"""Evaluate a Dagster sensor of tagifai's definitions once, in process, as the daemon would."""

from __future__ import annotations

from typing import Any


def tick(defs: Any, name: str, cursor: str | None = None) -> Any:  # noqa: ANN401
    """One evaluation of sensor `name` against the environment's warehouse (and Label Studio)."""
    from dagster import DagsterInstance, build_sensor_context  # noqa: PLC0415

    sensor = defs.resolve_sensor_def(name)
    with DagsterInstance.ephemeral() as instance:
        context = build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
        return sensor.evaluate_tick(context)
