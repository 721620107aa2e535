"""One palette: the report's highlights, badges and legend use the desk's kind colours."""

from __future__ import annotations

from sourcemark.app.bundles.content import BundleContent
from sourcemark.app.bundles.report import report_html
from sourcemark.app.models import Kind
from sourcemark.app.palette import KIND_COLOURS, shade, tint


def test_tints_and_shades_blend_towards_white_and_black() -> None:
    assert tint("#000000", 0.3) == "#b2b2b2" and tint("#e69f00", 1) == "#e69f00"
    assert shade("#ffffff", 0.5) == "#808080" and shade("#009e73", 0) == "#000000"


def test_the_report_colours_each_kind_as_the_desk_does() -> None:
    html = report_html(BundleContent((), {}, (), (), {}), "2024-05-02T10:00:00Z").decode()
    for kind, colour in KIND_COLOURS.items():
        assert f"--{kind.value}: {tint(colour)};" in html
        assert f"--{kind.value}-edge: {shade(colour)};" in html
    assert KIND_COLOURS[Kind.REBUTTAL] == "#009e73"  # green in the desk, green in the report
