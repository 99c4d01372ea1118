"""Colours shared by every chart and the map (Okabe–Ito, safe for colour-blind readers).

Sector colours come from the data package (``sectors.colour``); this module gives the
colour maps built from it and the fixed colours of the other categories.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from dashboard.core.package import Package

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO: Final = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
NEUTRAL: Final = "#8C8C8C"

SOURCE_KIND_COLOURS: Final = {"seed": OKABE_ITO["blue"], "external": OKABE_ITO["orange"]}
SIDE_COLOURS: Final = {"mali": OKABE_ITO["bluish_green"], "russia": OKABE_ITO["vermillion"]}


def sector_colours(pkg: Package) -> dict[str, str]:
    """sector_id -> #RRGGBB, for every sector (sub-sectors share their parent's colour)."""
    s = pkg["sectors"]
    return {str(k): str(v) for k, v in zip(s["sector_id"], s["colour"], strict=True)}


def top_sector(pkg: Package) -> dict[str, str]:
    """sector_id -> its top-level sector id (itself for a top-level sector)."""
    s = pkg["sectors"]
    return {
        str(sid): str(sid) if pd.isna(parent) else str(parent)
        for sid, parent in zip(s["sector_id"], s["parent_id"], strict=True)
    }


def hex_to_rgb(colour: str, alpha: int | None = None) -> list[int]:
    """'#D55E00' -> [213, 94, 0] (with alpha appended when given), for pydeck layers."""
    c = colour.lstrip("#")
    rgb = [int(c[i : i + 2], 16) for i in (0, 2, 4)]
    return [*rgb, alpha] if alpha is not None else rgb
