"""The dbt vars the Python models read through their config, checked: a bad value stops the build with one
line that names the var and where to set it."""

from typing import Any


def whole_number_var(name: str, value: Any, unit: str, minimum: int = 1) -> int:
    """var `name` as an integer >= `minimum`, or a ValueError naming the var and its `unit` (e.g. "projects")."""
    try:
        number = int(str(value))
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ValueError(
            f"var {name} is {value!r}: it must be a whole number of {unit}, at least {minimum} "
            "(dbt_project.yml, or --vars)"
        )
    return number
