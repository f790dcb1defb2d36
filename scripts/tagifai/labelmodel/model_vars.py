"""The dbt vars the Python models read through their config, checked: a bad value stops the build with one
line that names the var and where to set it."""

from typing import Any


def positive_whole_number_var(name: str, value: Any, unit: str) -> int:
    """var `name` as a positive integer, or a ValueError naming the var and its `unit` (e.g. "projects")."""
    try:
        number = int(str(value))
    except ValueError:
        number = 0
    if number <= 0:
        raise ValueError(
            f"var {name} is {value!r}: it must be a positive whole number of {unit} (dbt_project.yml, or --vars)"
        )
    return number
