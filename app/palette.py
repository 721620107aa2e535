"""The one palette for annotation kinds, shared by the desk, its icons and the report.

Okabe-Ito colours, distinguishable with the common colour-vision deficiencies; each kind also
has its own underline (claim solid, quote dotted, rebuttal wavy), so none depends on colour.
"""

from __future__ import annotations

from sourcemark.app.models import Kind

KIND_COLOURS: dict[Kind, str] = {
    Kind.CLAIM: "#e69f00",  # orange
    Kind.QUOTE: "#56b4e9",  # sky blue
    Kind.REBUTTAL: "#009e73",  # bluish green
}
KIND_COLOUR_NAMES: dict[Kind, str] = {
    Kind.CLAIM: "orange",
    Kind.QUOTE: "blue",
    Kind.REBUTTAL: "green",
}
PASSAGE_TINT = 0.3
"""How much of a kind's colour a highlighted passage takes, over white paper."""
EDGE_SHADE = 0.6
"""How much of a kind's colour an edge or underline keeps, darkened towards black."""


def _rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def _hex(red: float, green: float, blue: float) -> str:
    return "#" + "".join(f"{round(part):02x}" for part in (red, green, blue))


def tint(colour: str, share: float = PASSAGE_TINT) -> str:
    """`colour` laid over white at `share` opacity, as an opaque colour."""
    return _hex(*(255 + (part - 255) * share for part in _rgb(colour)))


def shade(colour: str, keep: float = EDGE_SHADE) -> str:
    """`colour` darkened towards black, keeping `keep` of it."""
    return _hex(*(part * keep for part in _rgb(colour)))


def css_variables() -> str:
    """The report's colour variables: --claim (the passage's tint) and --claim-edge, per kind."""
    lines = [
        f"--{kind.value}: {tint(colour)}; --{kind.value}-edge: {shade(colour)};"
        for kind, colour in KIND_COLOURS.items()
    ]
    return ":root { " + " ".join(lines) + " }"
