"""The release gates: what a build must satisfy before its labeled_projects becomes a release.

Each bound has a default (DEFAULTS), a command-line flag and an environment variable
(TAGIFAI_RELEASE_<NAME>, e.g. TAGIFAI_RELEASE_MIN_LABELED_SHARE=0.6); the flag wins. docs/releases.md
explains each one.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import Any

from tagifai.errors import TagifaiError

# name: (default, help)
DEFAULTS: dict[str, tuple[float, str]] = {
    "min_labeled_share": (0.5, "least share of the loaded projects that keep at least one label"),
    "max_labeled_share": (1.0, "largest share of the loaded projects that keep at least one label"),
    "min_tags_kept": (10, "fewest distinct tags (labels) in the dataset"),
    "max_tags_kept": (200, "most distinct tags (labels) in the dataset"),
    "max_annotator_discrepancy": (
        0.05,
        "largest share of shared projects on which the annotators disagree about one tag (worst tag); "
        "passes when no annotations are loaded",
    ),
    # Off by default (0): see evaluate_label_quality.
    "min_classifier_micro_f1": (
        0.0,
        "least out-of-fold micro-F1 of the tag classifier (marts.label_quality); 0 = no gate",
    ),
}


@dataclass(frozen=True)
class GateResult:
    name: str
    passed: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"gate": self.name, "passed": self.passed, "detail": self.detail}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    for name, (default, text) in DEFAULTS.items():
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=float,
            default=None,
            help=f"{text} (default {default}, or ${env_name(name)})",
        )


def env_name(name: str) -> str:
    return "TAGIFAI_RELEASE_" + name.upper()


def bounds(args: argparse.Namespace) -> dict[str, float]:
    """Each gate's bound: the flag, else the environment variable, else the default."""
    chosen = {}
    for name, (default, _) in DEFAULTS.items():
        value = getattr(args, name, None)
        if value is None and os.environ.get(env_name(name)):
            text = os.environ[env_name(name)]
            try:
                value = float(text)
            except ValueError as exc:
                raise TagifaiError(f"${env_name(name)}={text!r} is not a number; set it to e.g. {default}") from exc
        chosen[name] = float(default if value is None else value)
    return chosen


def evaluate(build_errors: list[dict[str, Any]], metrics: dict[str, Any], limits: dict[str, float]) -> list[GateResult]:
    share = metrics["labeled_share"]
    n_tags = metrics["n_tags_kept"]
    discrepancy = metrics["annotator_discrepancy"]
    failed_names = ", ".join(sorted({error["node"] for error in build_errors}))
    return [
        GateResult(
            "no_error_test_failed",
            not build_errors,
            "every error-severity test passed and every node ran"
            if not build_errors
            else f"{len(build_errors)} failed: {failed_names}",
        ),
        GateResult(
            "labeled_share",
            limits["min_labeled_share"] <= share <= limits["max_labeled_share"],
            f"{metrics['n_labeled_projects']} of {metrics['n_projects']} projects labeled ({share:.3f}), "
            f"bounds [{limits['min_labeled_share']}, {limits['max_labeled_share']}]",
        ),
        GateResult(
            "tags_kept",
            limits["min_tags_kept"] <= n_tags <= limits["max_tags_kept"],
            f"{n_tags} tags kept, bounds [{limits['min_tags_kept']:g}, {limits['max_tags_kept']:g}]",
        ),
        GateResult(
            "annotator_discrepancy",
            discrepancy is None or discrepancy <= limits["max_annotator_discrepancy"],
            "no annotations loaded: not measured"
            if discrepancy is None
            else f"worst tag {discrepancy:.4f}, at most {limits['max_annotator_discrepancy']}",
        ),
    ]


def evaluate_label_quality(label_quality: dict[str, Any] | None, limits: dict[str, float]) -> list[GateResult]:
    """The optional floor on the classifier's out-of-fold micro-F1: no gate at all while the bound is 0."""
    floor = limits.get("min_classifier_micro_f1", 0.0)
    if floor <= 0:
        return []
    value = None if label_quality is None else label_quality.get("classifier_micro_f1")
    return [
        GateResult(
            "classifier_micro_f1",
            value is not None and value >= floor,
            "not measured: the build has no marts.label_quality (build on DuckDB with the learned-label models)"
            if value is None
            else f"out-of-fold micro-F1 {value:.4f}, at least {floor}",
        )
    ]
