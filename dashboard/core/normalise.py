"""Quote normalisation: what may differ between a quote and its source text without
changing its meaning. Validation checks quotes with it; the Sources page locates them."""

from __future__ import annotations

import re
import unicodedata

_TYPOGRAPHIC = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u201e": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2011": "-",
    }
)
_SPACE = re.compile(r"\s+")
# Spaces French typography puts inside guillemets: after folding them to '"', drop any
# whitespace around a quote mark.
_QUOTE_SPACE = re.compile(r'\s*"\s*')


def normalise(text: str) -> str:
    """Fold what differs between a quote and its source but not in meaning."""
    text = unicodedata.normalize("NFC", text).translate(_TYPOGRAPHIC)
    text = _QUOTE_SPACE.sub('"', text)
    return _SPACE.sub(" ", text).strip().casefold()
