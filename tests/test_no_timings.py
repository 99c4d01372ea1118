"""No comment or docstring of the runtime package quotes a timing: figures go in commit
messages and docs/performance.md, where they carry their machine and date."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dashboard"
TIMING = re.compile(r"\b\d[\d.,\u202f]*\s?(?:ms|µs|s|seconds?|milliseconds?)\b")


def prose(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every comment and docstring of a module."""
    source = path.read_text(encoding="utf-8")
    out = [
        (tok.start[0], tok.string)
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc and node.body:
                out.append((node.body[0].lineno, doc))
    return out


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_no_comment_quotes_a_timing(path: Path) -> None:
    found = [f"{line}: {m.group(0)!r}" for line, text in prose(path) for m in TIMING.finditer(text)]
    assert found == []


def test_the_pattern_catches_a_timing_and_not_a_struct_format() -> None:
    assert TIMING.search("took 25 ms at a million events")
    assert TIMING.search("about 2 s a view")
    assert not TIMING.search("a million events, 10 000 rows")
    assert not TIMING.search('struct.pack("<I4s", n)')
