"""The loaded package and what can be wrong with one: ``Package``, ``Problem``, ``DataError``.

The bottom of the core layer: it imports nothing of the project.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard.core.cache import Memo

DESCRIPTOR = "datapackage.json"  # the descriptor's file name in a package folder


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the package, located as precisely as possible."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class DataError(Exception):
    """The package could not be loaded; ``problems`` says everything that is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems), key=_problem_order)
        super().__init__("\n".join(str(p) for p in self.problems))


def _problem_order(p: Problem) -> tuple[str, int, str, str]:
    return (p.file, p.row if p.row is not None else -1, p.column or "", p.message)


@dataclass(frozen=True)
class Package:
    """A loaded, validated data package. Frames are shared: never mutate them."""

    path: Path
    meta: Mapping[str, Any]
    tables: Mapping[str, pd.DataFrame]
    seed_texts: Mapping[str, str] = field(default_factory=dict)
    # Results computed from this package (``cache.Memo``): the one cache, in every layer.
    memo: Memo = field(default_factory=Memo, init=False, repr=False, compare=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def title(self) -> str:
        return str(self.meta.get("title", ""))

    def text(self, key: str, lang: str) -> str:
        """A metadata text (title, description) in the given language, English as fallback."""
        value = self.meta.get(f"{key}_{lang}") if lang != "en" else None
        return str(value if value else self.meta.get(key, ""))


# A validation rule: (package, resource paths) -> every problem it finds; a message made
# from a failing row.
Message = Callable[[Mapping[str, Any]], str]
Rule = Callable[["Package", Mapping[str, str]], list[Problem]]


def report(
    rel: str,
    frame: pd.DataFrame,
    mask: pd.Series | np.ndarray,
    column: str | None,
    message: str | Callable[[Mapping[str, Any]], str],
) -> list[Problem]:
    """One problem per row of ``frame`` where ``mask`` holds (missing counts as False).

    The rule itself is a vectorised mask; only the failing rows are visited here, so a
    million valid rows cost one pass of numpy, not a million Python iterations.
    """
    if isinstance(mask, pd.Series):
        mask = mask.to_numpy(dtype=bool, na_value=False)
    if not mask.any():
        return []
    bad = frame[mask]
    lines = (bad.index.to_numpy() + 2).tolist()
    if isinstance(message, str):
        return [Problem(rel, line, column, message) for line in lines]
    records = bad.to_dict("records")
    return [
        Problem(rel, line, column, message({str(k): v for k, v in rec.items()}))
        for line, rec in zip(lines, records, strict=True)
    ]
