"""When the tag classifier is refit: the rule int_tag_model_fits applies, kept apart so it is tested alone.

Up to `max_train_rows` labeled projects every project is in the training sample, a fit is cheap, and any
change refits: the predictions are exactly what a fresh build gives. Beyond it a fit is bounded by the
sample, but scoring every project again after a refit costs the whole history; so a refit waits until
`refit_share` of the labeled projects are new, changed or gone since the fit, and meanwhile the stored
models score only new and changed projects. A change of the kept tags or the parameters always refits:
the models predict other columns.
"""

from __future__ import annotations

from typing import NamedTuple


class FitState(NamedTuple):
    """What the stored fit was made from, and how much has moved since."""

    fit_version: str  # int_tag_model_version.model_version at the fit
    structure_version: str  # int_tag_model_version.structure_version at the fit
    n_labeled_at_fit: int
    n_labeled_loaded_since: int  # labeled projects now whose version was loaded after the fit (new or changed)


def changed_share(state: FitState, n_labeled: int) -> float:
    """How much of the labeled data moved since the fit, as a share of the labeled projects at the fit.

    Loaded since = new + changed; at fit - unchanged = changed + gone (a project's labels change only with
    a new load while the kept tags stay). The larger of the two is a lower bound of new + changed + gone
    and at least half of it: counts, no per-project comparison.
    """
    unchanged = n_labeled - state.n_labeled_loaded_since
    moved = max(state.n_labeled_loaded_since, state.n_labeled_at_fit - unchanged)
    return moved / max(state.n_labeled_at_fit, 1)


def needs_refit(
    state: FitState | None,
    model_version: str,
    structure_version: str,
    n_labeled: int,
    max_train_rows: int,
    refit_share: float,
) -> bool:
    """True when the classifier must be fit again (the module docstring gives the rule)."""
    if state is None or state.structure_version != structure_version:
        return True
    if state.fit_version == model_version:
        return False
    bounded = max_train_rows > 0 and n_labeled > max_train_rows
    return not bounded or changed_share(state, n_labeled) >= refit_share


def refit_share_var(value: object) -> float:
    """var tag_model_refit_share as a number from 0 to 1, or a one-line error that says how to set it."""
    try:
        share = float(str(value).strip())
    except ValueError:
        share = -1.0
    if not 0 <= share <= 1:
        raise ValueError(
            f"var 'tag_model_refit_share' must be a number from 0 to 1, got {value!r}; "
            "e.g. dbt build --vars '{tag_model_refit_share: 0.05}'"
        )
    return share
