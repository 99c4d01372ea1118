"""Copy Streamlit's static bundles out for nginx, each with a gzipped twin beside it.

    python deploy/bundles.py /var/lib/dashboard/bundles

Streamlit serves its JavaScript and CSS uncompressed, so nginx gzips them on the fly: about
100 ms of CPU for the 4.7 MB Plotly chunk, every time. One client asking for it 20 times a
second would keep both cores of a small host busy. deploy/nginx.conf serves ``/static/``
from the folder written here instead, with ``gzip_static``: the bundles are compressed once,
here, and every request after that costs nginx a file read (docs/security.md, "Limits").

Writes ``DEST/static/...`` (the same paths as under Streamlit's ``static/static``) and, for
every compressible file, ``x.js.gz`` beside ``x.js``. Bundle names carry a content hash, so
a file already there is kept as is: running it again (at every replica start, see
deploy/dashboard@.service) costs a directory walk, and after a Streamlit upgrade it adds the
new bundles next to the old ones, which no page asks for any more (``--prune`` removes
them). Several replicas may run it at once: every file is written under a temporary name
and renamed into place. A bundle missing from the folder is not an error for readers:
nginx then asks a replica for it, as before.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

COMPRESSIBLE = (".js", ".css", ".svg", ".json", ".html", ".txt", ".map", ".ttf", ".wasm")


def streamlit_static() -> Path:
    """Streamlit's ``static/static`` folder (the bundles the page shell refers to)."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        raise RuntimeError("streamlit is not installed in this Python")
    return Path(spec.origin).parent / "static" / "static"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(dest: Path, source: Path | None = None, *, prune: bool = False) -> tuple[int, int]:
    """Copy the bundles under ``dest/static`` and gzip the compressible ones beside them.

    Returns (files written, files removed by ``prune``). Files already present with the
    same size are kept."""
    source = source or streamlit_static()
    root = dest / "static"
    wanted: set[Path] = set()
    written = 0
    for src in sorted(p for p in source.rglob("*") if p.is_file()):
        target = root / src.relative_to(source)
        wanted.add(target)
        data: bytes | None = None
        if not (target.exists() and target.stat().st_size == src.stat().st_size):
            data = src.read_bytes()
            _write_atomic(target, data)
            written += 1
        if src.suffix in COMPRESSIBLE:
            twin = target.with_name(target.name + ".gz")
            wanted.add(twin)
            if not twin.exists() or twin.stat().st_mtime < target.stat().st_mtime:
                data = data if data is not None else src.read_bytes()
                _write_atomic(twin, gzip.compress(data, compresslevel=9, mtime=0))
                written += 1
    removed = 0
    if prune and root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if path not in wanted:
                path.unlink()
                removed += 1
    return written, removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="folder nginx serves /static/ from (its root)")
    parser.add_argument("--prune", action="store_true", help="remove bundles of other versions")
    args = parser.parse_args(argv)
    written, removed = export(args.dest, prune=args.prune)
    print(f"{args.dest}: {written} files written, {removed} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
