"""schema.org `ClaimReview` records for claims with a verdict (unverified ones are left out)."""

from __future__ import annotations

from typing import Any

from sourcemark.app.bundles.content import BundleContent
from sourcemark.app.models import BEST_RATING, WORST_RATING, Annotation, Article, Kind


def claim_reviews(content: BundleContent) -> dict[str, Any]:
    reviews = [
        claim_review(claim, content.article_by_id[claim.article_id])
        for claim in content.of_kind(Kind.CLAIM)
        if claim.verdict is not None and claim.verdict.rating is not None
    ]
    return {"@context": "https://schema.org", "@graph": reviews}


def claim_review(claim: Annotation, article: Article) -> dict[str, Any]:
    assert claim.verdict is not None
    appearance: dict[str, Any] = {"@type": "CreativeWork", "headline": article.title}
    if article.url:
        appearance["url"] = article.url
    if article.published:
        appearance["datePublished"] = article.published
    if article.outlet:
        appearance["publisher"] = {"@type": "Organization", "name": article.outlet}
    item: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
    if claim.speaker:
        item["author"] = {"@type": "Person", "name": claim.speaker}
    review: dict[str, Any] = {
        "@type": "ClaimReview",
        "identifier": claim.id,
        "claimReviewed": claim.quote,
        "datePublished": claim.updated_at[:10],
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": claim.verdict.rating,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": claim.verdict.label,
        },
    }
    if claim.note:
        review["reviewBody"] = claim.note
    return review
