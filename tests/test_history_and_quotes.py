"""An annotation's versions and reverting to one; forgiving quote matching; citations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcemark.app import anchoring
from sourcemark.app.citations import CitationStyle, Passage, cite, cite_annotation
from sourcemark.app.errors import InvalidAnnotation, SourcemarkError
from sourcemark.app.folding import fold
from sourcemark.app.history import revert, trash_events, versions
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.models import Article, Kind, Verdict
from sourcemark.app.storage import write_transaction
from sourcemark.app.trash import delete_source, restore_source
from sourcemark.db import writes

TEXT = (
    "The mayor said: \u201cWe have never been safer \u2014 not once.\u201d\n\n"
    "Police figures,\u00a0released\tlater, disagree."
)


def _article(library: Library, text: str = TEXT, **metadata: str) -> str:
    source = from_pasted_text(text).with_metadata(**metadata)
    return library.import_source(source).value.article.id


def test_history_lists_every_version_with_what_changed_and_revert_makes_a_new_one(
    bare_library: Library,
) -> None:
    article_id = _article(bare_library)
    claim = bare_library.annotate_quote(article_id, "claim", "never been safer").value
    bare_library.edit_annotation(claim.id, note="check FBI data")
    bare_library.edit_annotation(claim.id, verdict="false", speaker="Mayor")
    found = versions(bare_library, claim.id[:8])
    assert [v.number for v in found] == [1, 2, 3] and found[-1].current
    assert found[1].changes == [("note", "", "check FBI data")]
    assert sorted(f for f, _, _ in found[2].changes) == ["speaker", "verdict"]

    reverted = revert(bare_library, claim.id, 1).value
    assert (reverted.note, reverted.verdict, reverted.speaker) == ("", Verdict.UNVERIFIED, "")
    after = versions(bare_library, claim.id)
    assert len(after) == 4 and after[-1].record["note"] == ""  # the revert is a version of its own
    with pytest.raises(SourcemarkError, match="current one"):
        revert(bare_library, claim.id, 4)
    with pytest.raises(SourcemarkError, match="no version 9"):
        revert(bare_library, claim.id, 9)

    delete_source(bare_library, article_id)
    restore_source(bare_library, article_id)
    (event,) = trash_events(bare_library, claim.id)
    assert event.what == "article" and event.restored_by == bare_library.user


def test_a_quote_typed_plainly_finds_the_typographic_passage(bare_library: Library) -> None:
    article_id = _article(bare_library)
    typed = '"We have never been safer - not once."'
    quote = bare_library.annotate_quote(article_id, Kind.QUOTE, typed).value
    assert quote.quote == "\u201cWe have never been safer \u2014 not once.\u201d"
    assert TEXT[quote.start : quote.end] == quote.quote
    figures = bare_library.annotate_quote(article_id, "claim", "figures, released later").value
    assert figures.quote == "figures,\u00a0released\tlater"


def test_a_quote_that_does_not_occur_suggests_the_closest_passage(bare_library: Library) -> None:
    article_id = _article(bare_library)
    with pytest.raises(InvalidAnnotation, match="did you mean 'Police figures"):
        bare_library.annotate_quote(article_id, "claim", "Police figure released later")


_TYPOGRAPHY = st.sampled_from(
    ["\u201c", "\u201d", "\u2018", "\u2019", "\u2014", "\u2013", "\u2026", "\u00a0", "\n", "\t"]
)
_PLAIN = {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2014": "-"}
_PLAIN |= {"\u2013": "-", "\u2026": "...", "\u00a0": " ", "\n": " ", "\t": "  "}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.text(min_size=1, max_size=6), _TYPOGRAPHY), min_size=1, max_size=30),
    st.data(),
)
def test_forgiving_matches_only_ever_store_the_texts_own_passage(
    pieces: list[str], data: st.DataObject
) -> None:
    """Whatever a person types, what is anchored is exactly a passage of the text, and it
    reads as what was typed once both are folded."""
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    typed = "".join(_PLAIN.get(char, char) for char in text[start:end])
    typed = data.draw(st.sampled_from([typed, text[start:end], typed + " ", "x" + typed]))
    try:
        place = anchoring.locate(text, typed, occurrence=1)
    except InvalidAnnotation:
        return
    assert text[place.start : place.end] == place.quote
    assert fold(place.quote).text.strip(" ") == fold(typed).text.strip(" ")


ARTICLE = Article(
    "id", "City budget falls short.", "Daily Ledger", "By Jane Q. Smith and Bob Lee",
    "https://ledger.example/b", "2024-09-03", "", "text", "", "", "text",
)  # fmt: skip


@pytest.mark.parametrize(
    ("style", "pages", "expected"),
    [
        (
            CitationStyle.AP,
            None,
            "\u201cWe have never been \u2018safer\u2019,\u201d Mayor Ruth Adams said, according"
            " to \u201cCity budget falls short\u201d (Daily Ledger, Jane Q. Smith and Bob Lee,"
            " Sept. 3, 2024). https://ledger.example/b",
        ),
        (
            CitationStyle.CHICAGO,
            (4, 4),
            "\u201cWe have never been \u2018safer\u2019\u201d \u2014 Mayor Ruth Adams\n"
            "Jane Q. Smith and Bob Lee, \u201cCity budget falls short,\u201d Daily Ledger,"
            " September 3, 2024, 4, https://ledger.example/b.",
        ),
        (
            CitationStyle.APA,
            (4, 5),
            "\u201cWe have never been \u2018safer\u2019\u201d (Mayor Ruth Adams, as cited in"
            " Smith & Lee, 2024, pp. 4\u20135).\nSmith, J. Q., & Lee, B. (2024, September 3)."
            " City budget falls short. Daily Ledger. https://ledger.example/b",
        ),
    ],
)
def test_citations_in_each_style(
    style: CitationStyle, pages: tuple[int, int] | None, expected: str
) -> None:
    passage = Passage("We have never been \u201csafer\u201d.", "Mayor Ruth Adams", ARTICLE, pages)
    assert cite(passage, style) == expected


def test_a_citation_of_an_undated_source_without_author(bare_library: Library) -> None:
    article_id = _article(bare_library, "Statement: taxes will not rise.", title="Statement")
    quote = bare_library.annotate_quote(article_id, "quote", "taxes will not rise.").value
    assert cite_annotation(bare_library, quote.id, "apa") == (
        "\u201ctaxes will not rise\u201d (\u201cStatement\u201d, n.d.).\nStatement. (n.d.)."
    )
    with pytest.raises(SourcemarkError, match="unknown citation style"):
        cite_annotation(bare_library, quote.id, "mla")


def test_a_citation_names_the_pdf_page_of_the_passage(bare_library: Library) -> None:
    article_id = _article(bare_library, "Page one text.\n\nPage two says taxes rise.")
    with write_transaction(bare_library.db):
        writes.insert_page_map(
            bare_library.db,
            article_id,
            [
                {"page": 1, "start": 0, "end": 16, "ocr": 0},
                {"page": 2, "start": 16, "end": 40, "ocr": 0},
            ],
        )
    quote = bare_library.annotate_quote(article_id, "quote", "taxes rise").value
    assert "p. 2" in cite_annotation(bare_library, quote.id, "ap")
    assert "\u201cPage one text,\u201d 2." in cite_annotation(bare_library, quote.id, "chicago")
