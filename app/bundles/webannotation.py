"""Annotations as a W3C Web Annotation Data Model `AnnotationCollection` (JSON-LD).

The mapping (see docs/bundles.md):
- each annotation is an `Annotation` with id `urn:uuid:<annotation id>`, `created`, `modified`;
- `creator`: the `Person` who made its current version (the reporter's name once synced
  through the newsroom, else the local user's name);
- its target is a `SpecificResource` whose source `urn:uuid:<article id>` is the normalised
  text in `data/sources/<article id>/text.txt`, selected by a `TextQuoteSelector` (exact,
  prefix, suffix) and a `TextPositionSelector` (start, end in Unicode code points);
- bodies: the kind as a `tagging` TextualBody, the note as `commenting`, the speaker as
  `identifying`, a claim's verdict as `assessing`;
- a link from this annotation to another is a `SpecificResource` body whose source is the
  other annotation: purpose `replying` for `rebuts`, `linking` for `supports` and `same_claim`,
  with the exact relation in `sourcemark:relation`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sourcemark.app.bundles.content import BundleContent
from sourcemark.app.models import Annotation, Link, Relation

CONTEXT = [
    "http://www.w3.org/ns/anno.jsonld",
    {"sourcemark": "urn:sourcemark:vocab#", "relation": "sourcemark:relation"},
]
_LINK_PURPOSE = {
    Relation.REBUTS: "replying",
    Relation.SUPPORTS: "linking",
    Relation.SAME_CLAIM: "linking",
}


def urn(record_id: str) -> str:
    return f"urn:uuid:{record_id}"


def annotation_collection(content: BundleContent, label: str) -> dict[str, Any]:
    items = [
        web_annotation(a, content.links_from(a.id), content.creators.get(a.id))
        for a in content.annotations
    ]
    collection_id = urn(str(uuid.uuid4()))
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": {
            "id": f"{collection_id}#page1",
            "type": "AnnotationPage",
            "partOf": collection_id,
            "startIndex": 0,
            "items": items,
        },
    }


def web_annotation(
    annotation: Annotation, links: list[Link], creator: str | None = None
) -> dict[str, Any]:
    bodies = [_textual(annotation.kind.value, "tagging")]
    if annotation.note:
        bodies.append(_textual(annotation.note, "commenting"))
    if annotation.speaker:
        bodies.append(_textual(annotation.speaker, "identifying"))
    if annotation.verdict is not None:
        bodies.append(_textual(annotation.verdict.value, "assessing"))
    bodies += [
        {
            "type": "SpecificResource",
            "source": urn(link.to_id),
            "purpose": _LINK_PURPOSE[link.relation],
            "relation": link.relation.value,
        }
        for link in links
    ]
    return {
        "id": urn(annotation.id),
        "type": "Annotation",
        "motivation": "tagging",
        **({"creator": {"type": "Person", "name": creator}} if creator else {}),
        "created": annotation.created_at,
        "modified": annotation.updated_at,
        "body": bodies,
        "target": {
            "type": "SpecificResource",
            "source": {"id": urn(annotation.article_id), "type": "Text", "format": "text/plain"},
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": annotation.quote,
                    "prefix": annotation.prefix,
                    "suffix": annotation.suffix,
                },
                {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
            ],
        },
    }


def _textual(value: str, purpose: str) -> dict[str, str]:
    return {"type": "TextualBody", "value": value, "purpose": purpose, "format": "text/plain"}
