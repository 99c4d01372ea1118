"""Command line: ``python -m dashboard validate|schema|export|search ...``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from dashboard.core import model
from dashboard.core.load import load_package, resolve_data_dir
from dashboard.core.package import DESCRIPTOR, DataError


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        pkg = load_package(args.data_dir)
    except DataError as exc:
        print(f"{len(exc.problems)} problem(s) in {resolve_data_dir(args.data_dir)}:")
        for p in exc.problems:
            print(f"  {p}")
        return 1
    except Exception as exc:  # a bug in the checker: still one line, not a traceback
        print(
            f"could not check {resolve_data_dir(args.data_dir)}: "
            f"{type(exc).__name__}: {exc} "
            "(this is a bug in dashboard/core/load.py, please report it)"
        )
        return 1
    counts = ", ".join(f"{len(pkg[t.name])} {t.name}" for t in model.TABLES[:6])
    print(f"OK: {pkg.path} is valid ({counts}).")
    return 0


def descriptor_with_schemas(meta: dict[str, object]) -> dict[str, object]:
    """The descriptor with its ``resources`` rebuilt from ``model`` (metadata kept)."""
    out = {k: v for k, v in meta.items() if k != "resources"}
    out["resources"] = [
        {
            "name": t.name,
            "path": t.path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": t.description,
            "schema": t.table_schema(),
        }
        for t in model.TABLES
    ]
    return out


def columns_markdown(table: model.Table) -> str:
    """The Markdown table of one table's columns, as data/README.md shows them."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "| column | type | required | constraints | description |",
        "|---|---|---|---|---|",
    ]
    for f in table.fields:
        constraints = []
        if f.unique or table.primary_key == (f.name,):
            constraints.append("unique")
        if f.enum is not None:
            constraints.append("one of " + ", ".join(f"`{v}`" for v in f.enum))
        if f.pattern is not None:
            constraints.append(f"pattern `{f.pattern}`")
        if f.minimum is not None:
            constraints.append(f"≥ {f.minimum:g}")
        if f.maximum is not None:
            constraints.append(f"≤ {f.maximum:g}")
        kind = "date (YYYY-MM-DD)" if f.type == "date" else f.type
        lines.append(
            f"| `{f.name}` | {kind} | {'yes' if f.required else 'no'} | "
            f"{cell('; '.join(constraints))} | {cell(f.description)} |"
        )
    return "\n".join(lines) + "\n"


def cmd_schema(args: argparse.Namespace) -> int:
    if args.markdown:
        for table in model.TABLES:
            print(f"### `{table.name}`\n\n{table.description}\n")
            line = "Key: " + ", ".join(f"`{k}`" for k in table.primary_key) + "."
            refs = [
                f"`{', '.join(fk.fields)}` → `{fk.table}.{', '.join(fk.reference)}`"
                for fk in table.foreign_keys
            ]
            if refs:
                line += " References: " + "; ".join(refs) + "."
            print(f"{line}\n")
            print(columns_markdown(table))
        return 0
    path = resolve_data_dir(args.data_dir) / DESCRIPTOR
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        print(f"{path}: cannot be read as JSON ({exc})")
        return 1
    if not isinstance(meta, dict):
        print(f"{path}: must be a JSON object")
        return 1
    text = json.dumps(descriptor_with_schemas(meta), ensure_ascii=False, indent=2) + "\n"
    if args.check:
        if path.read_text(encoding="utf-8") != text:
            print(f"{path} is out of step with dashboard/model.py: run python -m dashboard schema")
            return 1
        print(f"{path} matches dashboard/model.py")
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote the table schemas of {path}")
    return 0


def iso_date(value: str) -> date:
    """An argparse type: a calendar date written YYYY-MM-DD."""
    try:
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a data package; exit 1 listing every problem")
    p.add_argument("data_dir", nargs="?", type=Path, help="package folder (default: embedded)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="rewrite datapackage.json's table schemas from model.py")
    p.add_argument("data_dir", nargs="?", type=Path)
    p.add_argument("--check", action="store_true", help="only check that they are in step")
    p.add_argument(
        "--markdown", action="store_true", help="print the column tables of data/README.md"
    )
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("export", help="write the events of a filtered view (exit 2: bad args)")
    p.add_argument("--format", required=True, choices=("csv", "json", "geojson"))
    p.add_argument("--sector", nargs="+", action="extend", default=[], metavar="ID")
    p.add_argument("--place", nargs="+", action="extend", default=[], metavar="ID")
    p.add_argument("--from", dest="date_from", type=iso_date, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=iso_date, metavar="YYYY-MM-DD")
    p.add_argument("--lang", choices=("en", "fr"), default="en", help="language of the texts")
    p.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    p.add_argument("--data-dir", type=Path, help="package folder (default: embedded)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("search", help="full-text search, as the Search page (exit 1: no match)")
    p.add_argument("query", nargs="+", help='words; "quoted words" for a phrase')
    p.add_argument("--lang", choices=("en", "fr"), default="en", help="language of the texts")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--limit", type=int, default=10, help="hits shown per kind (default 10)")
    p.add_argument("--data-dir", type=Path, help="package folder (default: embedded)")
    p.set_defaults(func=cmd_search)

    return parser


def cmd_search(args: argparse.Namespace) -> int:
    from dashboard.views import search

    try:
        pkg = load_package(args.data_dir)
    except DataError as exc:
        print(f"{len(exc.problems)} problem(s) in {resolve_data_dir(args.data_dir)}")
        return 2
    return search.command(pkg, " ".join(args.query), args.lang, args.format, max(args.limit, 1))


def cmd_export(args: argparse.Namespace) -> int:
    from dashboard.views import export

    return export.command(
        args.format,
        sectors=args.sector,
        date_from=args.date_from,
        date_to=args.date_to,
        places=args.place,
        lang=args.lang,
        output=args.output,
        data_dir=args.data_dir,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))
