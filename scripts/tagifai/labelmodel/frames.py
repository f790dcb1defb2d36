"""Turn the marts' rows into the matrices the label model works on, and back into rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


def label_matrix(tag_lists: Iterable[Sequence[str] | None], tags: Sequence[str]) -> np.ndarray:
    """(N, K) 0/1: row i has 1 in column k when tags[k] is in the i-th list."""
    column = {tag: k for k, tag in enumerate(tags)}
    lists = list(tag_lists)
    out = np.zeros((len(lists), len(tags)), dtype=np.int64)
    for i, tag_list in enumerate(lists):
        for tag in tag_list if tag_list is not None else ():
            k = column.get(tag)
            if k is not None:
                out[i, k] = 1
    return out


@dataclass(frozen=True)
class Functions:
    """The labeling functions that vote on kept tags: name, tag column and label of each (length F)."""

    names: list[str]
    tag_index: np.ndarray
    label: np.ndarray

    @classmethod
    def from_frame(cls, functions: pd.DataFrame, tags: Sequence[str]) -> Functions:
        column = {tag: k for k, tag in enumerate(tags)}
        kept = functions[functions["tag"].isin(column)].sort_values("lf_name")
        return cls(
            names=list(kept["lf_name"]),
            tag_index=np.array([column[t] for t in kept["tag"]], dtype=np.int64),
            label=np.array(kept["label"], dtype=np.int64),
        )

    def fired_matrix(self, project_ids: Sequence[int], fired: pd.DataFrame) -> np.ndarray:
        """(N, F) bool: function f fired on project i (fired has columns project_id, lf_name)."""
        rows = pd.Index(np.asarray(project_ids, dtype=np.int64))
        out = np.zeros((len(rows), len(self.names)), dtype=bool)
        if len(fired) == 0:
            return out
        # Vectorized: no Python step per fired row, whose count grows with the projects.
        i = rows.get_indexer(np.asarray(fired["project_id"], dtype=np.int64))
        f = pd.Index(self.names, dtype=object).get_indexer(np.asarray(fired["lf_name"], dtype=object))
        found = (i >= 0) & (f >= 0)
        out[i[found], f[found]] = True
        return out


def long_frame(project_ids: Sequence[int], tags: Sequence[str], values: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per (project, tag), with a column for each (N, K) matrix in `values` (in project, tag order)."""
    n, k = len(project_ids), len(tags)
    frame = pd.DataFrame(
        {
            "project_id": np.repeat(np.asarray(project_ids, dtype=np.int64), k),
            "tag": np.tile(np.asarray(tags, dtype=object), n),
        }
    )
    for name, matrix in values.items():
        frame[name] = np.asarray(matrix).reshape(n * k) if n * k else np.asarray(matrix).ravel()
    return frame


def wide(frame: pd.DataFrame, project_ids: Sequence[int], tags: Sequence[str], column: str) -> np.ndarray:
    """The (N, K) matrix of `column` from a long (project_id, tag) frame; absent pairs are nan."""
    rows = pd.Index(np.asarray(project_ids, dtype=np.int64))
    cols = pd.Index(list(tags), dtype=object)
    out = np.full((len(rows), len(cols)), np.nan)
    if len(frame) == 0:
        return out
    # Vectorized lookup (a loop over rows costs minutes at millions of (project, tag) pairs).
    i = rows.get_indexer(np.asarray(frame["project_id"], dtype=np.int64))
    k = cols.get_indexer(np.asarray(frame["tag"], dtype=object))
    found = (i >= 0) & (k >= 0)
    out[i[found], k[found]] = np.asarray(frame[column], dtype=np.float64)[found]
    return out
