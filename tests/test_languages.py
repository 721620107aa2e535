"""Sources in other languages: detected on import, stemmed in their language, filtered by
`lang:`, correctable by the user; a query keeps working across languages."""

from __future__ import annotations

import functools
import operator
from pathlib import Path

import pytest
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

from sourcemark.app.bundles import export_bundle, import_bundle
from sourcemark.app.errors import QueryError, SourcemarkError
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.importers.html import extract_fields
from sourcemark.app.languages import detect_language, normalise_language
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from sourcemark.app.search.schema import ANALYZERS, ENGLISH, PLAIN, stem
from sourcemark.app.sources import metadata_history, set_language
from tests.cli import sourcemark
from tests.search_helpers import add_article, hit_ids

ARTICLES = {
    "de": "Die Stadt Berlin baut in diesem Jahr neue Wohnungen für Familien. Die Mieten "
    "sind nach Angaben des Senats seit 2019 um zwölf Prozent gestiegen.",
    "fr": "La ville de Lyon construit cette année de nouveaux logements pour les familles. "
    "Les loyers ont augmenté de douze pour cent depuis 2019, selon la mairie.",
    "es": "La ciudad de Sevilla construye este año nuevas viviendas para las familias. Los "
    "alquileres han subido un doce por ciento desde 2019, según el ayuntamiento.",
    "it": "La città di Torino costruisce quest'anno nuove abitazioni per le famiglie. Gli "
    "affitti sono aumentati del dodici per cento dal 2019, secondo il comune.",
    "en": "The city of Leeds is building new homes for families this year. Rents have risen "
    "by twelve percent since 2019, the council said.",
}
# A word each article holds in one form, searched in another: only its own stemmer joins them.
WORD_FORMS = {"de": "Wohnung", "fr": "logement", "es": "vivienda", "it": "abitazione"}


@pytest.fixture
def languages(library: Library) -> dict[str, str]:
    """One short article per language; returns their ids by language."""
    return {code: add_article(library, text).id for code, text in ARTICLES.items()}


@pytest.mark.parametrize("code", sorted(ARTICLES))
def test_the_language_is_detected_on_import(
    library: Library, languages: dict[str, str], code: str
) -> None:
    assert library.language(languages[code]) == code


@pytest.mark.parametrize("code", sorted(WORD_FORMS))
def test_each_source_is_stemmed_in_its_language(
    library: Library, languages: dict[str, str], code: str
) -> None:
    results = library.search(WORD_FORMS[code])
    assert hit_ids(results) == {languages[code]}
    assert "«" in results.hits[0].snippet and results.hits[0].language == code


def test_a_query_works_across_languages_and_lang_filters(
    library: Library, languages: dict[str, str]
) -> None:
    assert hit_ids(library.search("2019")) == set(languages.values())
    assert hit_ids(library.search("2019 lang:de")) == {languages["de"]}
    assert hit_ids(library.search("lang:FR")) == {languages["fr"]}
    with pytest.raises(QueryError, match="lang:"):
        library.search("lang:german!")


def test_annotations_are_analysed_in_their_sources_language(
    library: Library, languages: dict[str, str]
) -> None:
    claim = library.annotate_quote(
        languages["de"], "claim", "Die Mieten sind nach Angaben des Senats seit 2019"
    ).value
    found = library.search("Miete kind:claim")
    assert hit_ids(found) == {claim.id}
    assert found.hits[0].language == "de"


def test_a_corrected_language_is_indexed_again(library: Library) -> None:
    # Too short to tell: taken as English, and the German plural is not found by its singular.
    article = add_article(library, "Wohnungen.")
    assert library.language(article.id) == "en"
    assert not library.search("Wohnung").hits
    assert set_language(library, article.id[:8], " DE ").value == "de"
    assert hit_ids(library.search("Wohnung")) == {article.id}
    assert {s.language for s in library.articles()} == {"de"}
    assert [e["record"]["language"] for e in metadata_history(library, article.id)] == ["en"]
    with pytest.raises(SourcemarkError, match="not a language code"):
        set_language(library, article.id, "Deutsch")


def test_a_corrected_language_travels_in_a_bundle(library: Library, tmp_path: Path) -> None:
    article = add_article(library, "Wohnungen.")
    set_language(library, article.id, "de")
    export_bundle(library, tmp_path / "b.zip")
    with open_library(tmp_path / "other") as other:
        import_bundle(other, tmp_path / "b.zip")
        assert other.article(article.id).language == "de"
        set_language(library, article.id, "nl")  # corrected again, later: the newer one wins
        export_bundle(library, tmp_path / "b2.zip")
        import_bundle(other, tmp_path / "b2.zip")
        assert other.article(article.id).language == "nl"


def test_a_page_declares_its_language() -> None:
    page = (
        '<html lang="fr-CA"><head><title>Logement</title></head><body><article>'
        "<p>Of all the words in this page, most are English, yet the page says French.</p>"
        "</article></body></html>"
    )
    assert extract_fields(page.encode())["language"] == "fr-CA"


def test_detection_and_codes() -> None:
    assert detect_language(ARTICLES["it"]) == "it"
    assert detect_language("OK.") == "en"  # too short to tell
    assert normalise_language("pt_BR") == "pt"
    with pytest.raises(ValueError):
        normalise_language("123")


def test_set_language_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "library"
    with open_library(path) as library:
        article_id = library.import_source(from_pasted_text("Wohnungen.")).value.article.id
    done = sourcemark("set-language", article_id[:8], "de", library=path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{article_id[:8]} is in de"
    listed = sourcemark("articles", library=path)
    assert " de " in listed.stdout
    wrong = sourcemark("set-language", article_id[:8], "Deutsch", library=path)
    assert wrong.returncode == 1 and "not a language code" in wrong.stderr


@pytest.mark.parametrize("analysis", sorted(ANALYZERS))
def test_each_analysis_makes_the_terms_of_whooshs_filter_chain(analysis: str) -> None:
    """The one-step `Words` filter gives what Whoosh's filters give, one after another."""
    if analysis == PLAIN:
        chain = [LowercaseFilter(), CharsetFilter(accent_map)]
    elif analysis == ENGLISH:
        chain = [LowercaseFilter(), CharsetFilter(accent_map), StemFilter(stem)]
    else:  # Snowball stemmers expect the language's own letters: accents folded after them
        stemmer = StemFilter(stemmer_for_language(analysis))
        chain = [LowercaseFilter(), stemmer, CharsetFilter(accent_map)]
    whooshs = functools.reduce(operator.or_, chain, RegexTokenizer())
    text = " ".join([*ARTICLES.values(), "Ærøskøbing ÉTÉ Straße Generating GÉNÉRÉ naïve"])
    terms = [
        (t.text, t.pos, t.startchar) for t in ANALYZERS[analysis](text, positions=True, chars=True)
    ]
    expected = [(t.text, t.pos, t.startchar) for t in whooshs(text, positions=True, chars=True)]
    assert terms == expected
    assert len({term for term, _, _ in terms}) > 50
