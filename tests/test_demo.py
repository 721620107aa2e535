"""The demo library a newcomer sees on first run."""

from __future__ import annotations

from sourcemark.app.demo import DEMO_ANNOTATIONS, seed_demo
from sourcemark.app.library import Library
from sourcemark.app.models import Kind, Relation


def test_demo_seeds_the_sample_with_linked_annotations(bare_library: Library) -> None:
    article_id = seed_demo(bare_library)
    article = bare_library.article(article_id)
    annotations = bare_library.annotations(article_id)
    assert len(annotations) == len(DEMO_ANNOTATIONS) >= 12
    assert all(article.text[a.start : a.end] == a.quote for a in annotations)
    by_quote = {a.quote: a for a in annotations}
    sole_reason = next(a for a in annotations if "the sole reason" in a.quote)
    assert sole_reason.kind is Kind.CLAIM and sole_reason.speaker == "Matthew Albence"
    assert by_quote["the safest big city in America"].kind is Kind.CLAIM
    rebuttals = [a for a in annotations if a.kind is Kind.REBUTTAL]
    links = bare_library.links()
    assert {lk.from_id for lk in links} == {r.id for r in rebuttals}
    assert all(lk.relation is Relation.REBUTS for lk in links)
    assert sole_reason.id in {lk.to_id for lk in links}
