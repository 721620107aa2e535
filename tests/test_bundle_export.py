"""Export: the bag, and every format inside it."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import bagit
import pytest

from sourcemark.app.bundles import export_bundle
from sourcemark.app.bundles.safezip import Limits
from sourcemark.app.errors import BundleError, NotFound, SourcemarkError
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.models import BEST_RATING, WORST_RATING, Verdict
from tests.bundle_support import annotated_library, exported, members, payload


@pytest.fixture
def ids(bare_library: Library) -> dict[str, str]:
    return annotated_library(bare_library)


def test_the_bag_validates_with_the_bagit_package(
    bare_library: Library, ids: dict[str, str], tmp_path: Path
) -> None:
    bundle = exported(bare_library, tmp_path / "story.zip")
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "unpacked")
    bag = bagit.Bag(str(tmp_path / "unpacked" / "story"))
    bag.validate()
    assert bag.info["Bag-Software-Agent"].startswith("Sourcemark ")
    assert {"Bagging-Date", "External-Description", "Payload-Oxum"} <= set(bag.info)
    assert set(bag.payload_files()) >= {"data/sourcemark.json", "data/report.html"}
    assert sorted(members(bundle))[-1] == "tagmanifest-sha256.txt"


def test_payload_holds_each_source_text_metadata_and_original(
    bare_library: Library, ids: dict[str, str], tmp_path: Path
) -> None:
    files = payload(exported(bare_library, tmp_path / "b.zip"))
    story = bare_library.article(ids["story"])
    assert files[f"sources/{story.id}/text.txt"].decode() == story.text
    assert json.loads(files[f"sources/{story.id}/metadata.json"])["title"] == "Crime <b>falls</b>"
    assert files[f"sources/{story.id}/original.html"] == bare_library.original(story.id)[1]
    expected = {
        "sourcemark.json",
        "annotations.jsonld",
        "report.html",
        "claims.csv",
        "quotes.csv",
        "quotes.md",
        "claimreview.jsonld",
    }
    assert expected <= set(files)


def test_an_original_file_name_never_becomes_a_path(bare_library: Library, tmp_path: Path) -> None:
    source = from_pasted_text("Some text", "../../evil.sh")
    article = bare_library.import_source(source).value.article
    names = set(members(exported(bare_library, tmp_path / "b.zip")))
    assert f"data/sources/{article.id}/original.bin" in names
    assert not any("evil" in name or ".." in name for name in names)


def test_web_annotations_carry_what_the_w3c_model_requires(
    bare_library: Library, ids: dict[str, str], tmp_path: Path
) -> None:
    data = json.loads(payload(exported(bare_library, tmp_path / "b.zip"))["annotations.jsonld"])
    assert data["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["id"].startswith("urn:uuid:")
    items = data["first"]["items"]
    assert data["total"] == len(items) == 4
    for item in items:
        assert item["type"] == "Annotation" and item["id"].startswith("urn:uuid:")
        assert item["target"]["source"]["id"].startswith("urn:uuid:")
        quote, position = item["target"]["selector"]
        annotation = bare_library.annotation(item["id"].removeprefix("urn:uuid:"))
        assert quote == {
            "type": "TextQuoteSelector",
            "exact": annotation.quote,
            "prefix": annotation.prefix,
            "suffix": annotation.suffix,
        }
        assert position == {
            "type": "TextPositionSelector",
            "start": annotation.start,
            "end": annotation.end,
        }
        assert {
            "type": "TextualBody",
            "purpose": "tagging",
            "value": annotation.kind.value,
            "format": "text/plain",
        } in item["body"]
    by_id = {item["id"]: item for item in items}
    claim = by_id[f"urn:uuid:{ids['claim']}"]
    purposes = {body["purpose"]: body["value"] for body in claim["body"] if "value" in body}
    assert purposes == {
        "tagging": "claim",
        "commenting": "Check the police data",
        "identifying": "City Hall",
        "assessing": "false",
    }
    reply = [b for b in by_id[f"urn:uuid:{ids['rebuttal']}"]["body"] if b["purpose"] == "replying"]
    assert reply == [
        {
            "type": "SpecificResource",
            "source": f"urn:uuid:{ids['claim']}",
            "purpose": "replying",
            "relation": "rebuts",
        }
    ]


def test_csv_files_list_claims_and_quotes_and_defuse_formulas(
    bare_library: Library, ids: dict[str, str], tmp_path: Path
) -> None:
    bare_library.edit_annotation(ids["claim"], note='=HYPERLINK("http://x")')
    bare_library.edit_annotation(ids["quote"], speaker="@mayor")
    files = payload(exported(bare_library, tmp_path / "b.zip"))
    claims = list(csv.DictReader(io.StringIO(files["claims.csv"].decode("utf-8-sig"))))
    assert [row["claim"] for row in claims] == ["crime fell 40% last year"]
    assert claims[0]["verdict"] == "False" and claims[0]["rating"] == "1"
    assert claims[0]["note"] == '\'=HYPERLINK("http://x")'
    assert sorted(claims[0]["rebuttals"].split(" | ")) == [
        "The figures are simply wrong.",
        "the drop was 4%, not 40%",
    ]
    quotes = list(csv.DictReader(io.StringIO(files["quotes.csv"].decode("utf-8-sig"))))
    assert [(row["speaker"], row["source"]) for row in quotes] == [
        ("'@mayor", "Crime <b>falls</b>")
    ]


def test_claimreview_rates_each_claim_with_a_verdict(
    bare_library: Library, ids: dict[str, str], tmp_path: Path
) -> None:
    story = ids["story"]
    bare_library.annotate_quote(story, "claim", "Police data", verdict="unverified")
    data = json.loads(payload(exported(bare_library, tmp_path / "b.zip"))["claimreview.jsonld"])
    assert data["@context"] == "https://schema.org"
    [review] = data["@graph"]
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "crime fell 40% last year"
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": Verdict.FALSE.rating,
        "bestRating": BEST_RATING,
        "worstRating": WORST_RATING,
        "alternateName": "False",
    }
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "City Hall"}
    assert review["itemReviewed"]["appearance"]["datePublished"] == "2025-03-01"


def test_quote_sheet_groups_quotes_by_speaker_with_source_and_date(
    bare_library: Library, ids: dict[str, str], tmp_path: Path
) -> None:
    story = ids["story"]
    bare_library.annotate_quote(story, "quote", "Police data show", speaker="Chief *Ray*")
    sheet = payload(exported(bare_library, tmp_path / "b.zip"))["quotes.md"].decode()
    assert sheet.index("## Chief \\*Ray\\*") < sheet.index("## Mayor Adams")
    assert "> \u201cWe have never been safer,\u201d" in sheet
    assert "> — Mayor Adams, *Crime \\<b\\>falls\\</b\\>*, Daily, 2025-03-01" in sheet


def test_selection_by_article_and_kind_keeps_only_links_inside_it(
    bare_library: Library, ids: dict[str, str], tmp_path: Path
) -> None:
    summary = export_bundle(bare_library, tmp_path / "b.zip", [ids["story"][:8]], kind="rebuttal")
    record = json.loads(payload(tmp_path / "b.zip")["sourcemark.json"])
    assert (summary.articles, summary.annotations, summary.links) == (1, 1, 0)
    assert [a["id"] for a in record["annotations"]] == [ids["rebuttal"]]
    assert record["links"] == []
    summary = export_bundle(bare_library, tmp_path / "c.zip", [ids["story"]], kind="claim")
    assert summary.annotations == 1
    assert export_bundle(bare_library, tmp_path / "d.zip").links == 2


def test_bad_selection_is_refused_without_writing_a_file(
    bare_library: Library, ids: dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(NotFound):
        export_bundle(bare_library, tmp_path / "b.zip", ["ffffffff"])
    with pytest.raises(SourcemarkError, match="unknown kind"):
        export_bundle(bare_library, tmp_path / "b.zip", kind="gossip")
    assert list(tmp_path.glob("*.zip")) == []


def test_progress_reaches_the_end(
    bare_library: Library, ids: dict[str, str], tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    export_bundle(bare_library, tmp_path / "b.zip", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted(d for d, _ in seen)


class _Page(HTMLParser):
    """Collects tags, attributes, the CSP, and each source's text as the reader sees it."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.ids: set[str] = set()
        self.csp = ""
        self.styles: list[str] = []
        self.sources: dict[str, str] = {}
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._source: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        self.urls += [values[k] for k in ("src", "href", "action", "srcset") if k in values]
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "meta" and values.get("http-equiv") == "Content-Security-Policy":
            self.csp = values["content"]
        if tag == "article":
            self._source = values["id"].removeprefix("s-")
            self.sources[self._source] = ""
        self._stack.append((tag, values))

    def handle_endtag(self, tag: str) -> None:
        while self._stack and self._stack.pop()[0] != tag:
            pass
        if tag == "article":
            self._source = None

    def handle_data(self, data: str) -> None:
        tags = [t for t, _ in self._stack]
        if tags and tags[-1] == "style":
            self.styles.append(data)
        in_text = "p" in tags and "aside" not in tags and "sup" not in tags
        row = any(v.get("class") == "row" for _, v in self._stack)
        if self._source and in_text and row:
            self.sources[self._source] += data


def _report(library: Library, tmp_path: Path) -> tuple[_Page, str]:
    html = payload(exported(library, tmp_path / "r.zip"))["report.html"].decode()
    page = _Page()
    page.feed(html)
    page.close()
    return page, html


def test_report_is_self_contained_and_shows_every_passage(
    bare_library: Library, ids: dict[str, str], tmp_path: Path
) -> None:
    page, _ = _report(bare_library, tmp_path)
    assert "script" not in page.tags and "iframe" not in page.tags and "img" not in page.tags
    assert page.urls and all(url.startswith("#") for url in page.urls)
    assert "url(" not in "".join(page.styles) and "@import" not in "".join(page.styles)
    assert "default-src 'none'" in page.csp and "script-src" not in page.csp
    for article in (bare_library.article(ids["story"]), bare_library.article(ids["statement"])):
        assert page.sources[article.id] == article.text
    for annotation in bare_library.annotations():
        assert f"a-{annotation.id}" in page.ids
        assert annotation.quote in page.sources[annotation.article_id]


def test_report_escapes_every_user_string(bare_library: Library, tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script><img src=http://evil.example/x>"
    source = from_pasted_text(f"Title line\n\nBody {hostile} text", "x.txt")
    source = source.with_metadata(title=hostile, outlet=hostile)
    article = bare_library.import_source(source).value.article
    bare_library.annotate_quote(article.id, "quote", hostile, note=hostile, speaker=hostile)
    page, html = _report(bare_library, tmp_path)
    assert "script" not in page.tags and "img" not in page.tags
    assert "evil.example" not in "".join(page.urls)
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5
    assert page.sources[article.id] == article.text


def test_report_handles_overlapping_passages_across_paragraphs(
    bare_library: Library, ids: dict[str, str], tmp_path: Path
) -> None:
    story = bare_library.article(ids["story"])
    end = story.text.index("Police")
    spanning = bare_library.annotate(story.id, "quote", 5, end + 6, speaker="Everyone").value
    page, html = _report(bare_library, tmp_path)
    assert page.sources[story.id] == story.text
    assert html.count(f"id='a-{spanning.id}'") == 1
    assert "mark class='claim overlap'" in html


def test_an_empty_selection_still_makes_a_valid_bundle(
    bare_library: Library, tmp_path: Path
) -> None:
    summary = export_bundle(bare_library, tmp_path / "empty.zip")
    assert (summary.articles, summary.annotations) == (0, 0)
    with zipfile.ZipFile(tmp_path / "empty.zip") as archive:
        archive.extractall(tmp_path / "unpacked")
    bagit.Bag(str(tmp_path / "unpacked" / "empty")).validate()


def test_a_bundle_too_large_to_import_is_not_written(
    bare_library: Library, ids: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sourcemark.app.bundles.export.DEFAULT_LIMITS", Limits(total_bytes=5_000))
    with pytest.raises(BundleError, match="too large for one bundle"):
        export_bundle(bare_library, tmp_path / "big.zip")
    assert list(tmp_path.iterdir()) == [tmp_path / "library"]


def test_report_reads_on_a_phone_and_on_paper(
    bare_library: Library, ids: dict[str, str], tmp_path: Path
) -> None:
    _page, html = _report(bare_library, tmp_path)
    cells = re.findall(r"<td([^>]*)>", html.split("<section id='claims'>")[1].split("</table>")[0])
    labels = [re.search(r"data-label='(\w+)'", cell) for cell in cells]
    named = [label.group(1) for label in labels if label]
    # Every cell but the number is named, so a phone can show a claim as a labelled card.
    assert named and set(named) == {"Claim", "Speaker", "Verdict", "Rebuttals", "Source"}
    assert len(named) == 5 * html.count("<td class='num'>")
    assert "@media (max-width: 40rem)" in html and "table.claims thead { display: none; }" in html
    assert "@page { size: A4;" in html and "thead { display: table-header-group; }" in html
    assert ".row { grid-template-columns: minmax(0, 1fr) 14rem; break-inside: avoid; }" in html
