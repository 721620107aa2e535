"""The one palette for annotation kinds and verdicts, shared by the desk, its icons, the story
charts and the report.

Okabe-Ito colours, distinguishable with the common colour-vision deficiencies; each kind also
has its own underline (claim solid, quote dotted, rebuttal wavy), so none depends on colour.
"""

from __future__ import annotations

from sourcemark.app.models import Kind, Verdict

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
# The verdict scale's colours: blue for true to orange for false (a diverging scale that
# colour-blind readers tell apart), grey while unverified.
VERDICT_COLOURS: dict[Verdict, str] = {
    Verdict.UNVERIFIED: "#9E9E9E",
    Verdict.TRUE: "#08519C",
    Verdict.MOSTLY_TRUE: "#3182BD",
    Verdict.HALF_TRUE: "#9ECAE1",
    Verdict.UNSUPPORTED: "#CFC6B8",
    Verdict.MISLEADING: "#FDAE6B",
    Verdict.MOSTLY_FALSE: "#E6550D",
    Verdict.FALSE: "#A63603",
}
VERDICT_BADGE_TINT = 0.45
"""How much of a verdict's colour its badge takes, so its label stays readable."""
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
    """The report's colours: per kind, --claim (the passage's tint) and --claim-edge; and a
    .verdict-false (and so on) badge rule per verdict, tinted from the verdict scale."""
    lines = [
        f"--{kind.value}: {tint(colour)}; --{kind.value}-edge: {shade(colour)};"
        for kind, colour in KIND_COLOURS.items()
    ]
    badges = [
        f".verdict-{verdict.value} {{ background: {tint(colour, VERDICT_BADGE_TINT)}; }}"
        for verdict, colour in VERDICT_COLOURS.items()
    ]
    return ":root { " + " ".join(lines) + " }\n" + "\n".join(badges)
