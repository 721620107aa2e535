"""PDF text that reads like the document: paragraphs, hyphenation, running headers and
footers, columns, tables, footnotes and the page map, on PDFs made line by line."""

from __future__ import annotations

import pytest

from sourcemark.app import anchoring
from sourcemark.app.importers import extract
from sourcemark.app.importers.reflow import reflow
from sourcemark.app.library import Library
from sourcemark.app.models import PageRange
from tests import documents
from tests.documents import Page

FILLER = (
    "Officials said the review covered every contract signed in the last three years, "
    "including those for road repairs, street lighting and the maintenance of public parks."
)


def _text(*pages: Page) -> str:
    return extract(documents.pdf(list(pages)), "report.pdf").text


def test_lines_join_into_paragraphs_and_a_gap_ends_one() -> None:
    text = _text(
        Page(
            lines=[
                "The council met on Tuesday to discuss the budget for next year and",
                "the plan for the shelter, which the mayor has promised to open in",
                "the spring.",
                "",
                "Residents asked why the shelter had been delayed twice since the",
                "original vote in 2022.",
            ]
        )
    )
    assert text == (
        "The council met on Tuesday to discuss the budget for next year and the plan for the "
        "shelter, which the mayor has promised to open in the spring.\n\n"
        "Residents asked why the shelter had been delayed twice since the original vote in 2022."
    )


def test_a_short_line_a_list_item_and_a_first_line_indent_start_paragraphs() -> None:
    text = _text(
        Page(
            lines=[
                "Findings",
                "The auditors found three problems with the way the department kept",
                "its records of overtime.",
                "   Each problem is described below, with the department's answer to",
                "it and the date by which it promised to fix it.",
                "1. Overtime was approved after it had been worked, not before it.",
                "2. Two supervisors approved their own overtime on several occasions.",
            ],
            indents={3: 8.0},
        )
    )
    assert text.split("\n\n") == [
        "Findings",
        "The auditors found three problems with the way the department kept its records of "
        "overtime.",
        "Each problem is described below, with the department's answer to it and the date by "
        "which it promised to fix it.",
        "1. Overtime was approved after it had been worked, not before it.",
        "2. Two supervisors approved their own overtime on several occasions.",
    ]


def test_hyphenation_is_joined_unless_the_hyphen_belongs_to_the_word() -> None:
    text = _text(
        Page(
            lines=[
                "The report says the gov-",
                "ernment misread the self-",
                "reported figures, and that the co-",
                "operation of the agencies and a well-",
                "known anti-",
                "American group failed in 2019-",
                "2020, while the co-operation of the",
                "city was praised by the govern-",
                "ment's own auditors.",
            ]
        )
    )
    assert text == (
        "The report says the government misread the self-reported figures, and that the "
        "co-operation of the agencies and a well-known anti-American group failed in "
        "2019-2020, while the co-operation of the city was praised by the government's own "
        "auditors."
    )


def test_a_word_hyphenated_elsewhere_keeps_its_hyphen_and_one_joined_elsewhere_joins() -> None:
    hyphenated = reflow(["Fact-checkers said the fact-", "checkers were right."]).text
    joined = reflow(["The selfstarter said the self-", "starter was wrong."]).text
    assert hyphenated == "Fact-checkers said the fact-checkers were right."
    assert joined == "The selfstarter said the selfstarter was wrong."


def test_running_headers_footers_and_page_numbers_are_dropped() -> None:
    pages = [
        Page(
            lines=[f"Section {number} of the report begins with a paragraph of its own.", FILLER]
            + [f"It ends with its own closing sentence, number {number}."],
            header="CITY OF NORTHFIELD - INTERNAL AUDIT 2024",
            footer="Page {n} of {count}",
        )
        for number in (3, 1, 2)
    ]
    text = _text(*pages)
    assert "NORTHFIELD" not in text and "Page " not in text
    for number in (1, 2, 3):
        assert f"Section {number} of the report" in text
        assert f"closing sentence, number {number}." in text
    assert text.count(FILLER) == 3


def test_a_line_that_repeats_inside_the_pages_is_kept_and_so_is_a_single_page() -> None:
    pages = [
        Page(lines=[f"Part {part} opens here.", "Introduction", FILLER, f"Part {part} ends."])
        for part in ("one", "two")
    ]
    assert _text(*pages).count("Introduction") == 2
    single = Page(lines=["NORTHFIELD AUDIT", FILLER], footer="Page {n} of {count}")
    assert _text(single).startswith("NORTHFIELD AUDIT") and _text(single).endswith("Page 1 of 1")


def test_columns_are_read_one_after_the_other() -> None:
    text = _text(
        Page(
            lines=["Two views of the budget"],
            columns=(
                [
                    "The mayor said the budget protects",
                    "the services people rely on, from",
                    "libraries to buses, without a rise.",
                ],
                [
                    "Her opponents said it hides a deficit",
                    "that will have to be paid for by the",
                    "next council, with interest.",
                ],
            ),
        )
    )
    assert text.split("\n\n") == [
        "Two views of the budget",
        "The mayor said the budget protects the services people rely on, from libraries to "
        "buses, without a rise.",
        "Her opponents said it hides a deficit that will have to be paid for by the next "
        "council, with interest.",
    ]


def test_table_rows_stay_one_to_a_line_with_their_cells_apart() -> None:
    text = _text(
        Page(
            lines=["Votes cast in the ward:"],
            table=[["Candidate", "Votes", "Share"], ["Alice Smith", "1,204", "52%"]],
        )
    )
    assert text.endswith("Candidate\tVotes\tShare\nAlice Smith\t1,204\t52%")


def test_footnotes_are_their_own_paragraphs_at_the_end_of_their_page() -> None:
    text = _text(
        Page(
            lines=[
                "The review found that the figure the mayor gave was wrong.¹ It had",
                "been taken from an earlier draft of the report.",
            ],
            footnotes=["¹ Council minutes, 4 March."],
        ),
        Page(lines=["The next page has no note."]),
    )
    assert text.split("\n\n") == [
        "The review found that the figure the mayor gave was wrong.¹ It had been taken from "
        "an earlier draft of the report.",
        "¹ Council minutes, 4 March.",
        "The next page has no note.",
    ]


def test_a_paragraph_cut_by_a_page_break_is_joined_and_cited_on_both_pages(
    library: Library,
) -> None:
    data = documents.pdf(
        [
            Page(lines=[FILLER, "", "The contract was signed on a Sunday, when the"]),
            Page(lines=["offices were closed, by an official who had left.", "", FILLER]),
        ]
    )
    source = extract(data, "contract.pdf")
    sentence = (
        "The contract was signed on a Sunday, when the offices were closed, by an official "
        "who had left."
    )
    assert sentence in source.text.split("\n\n")
    article = library.import_source(source).value.article
    place = anchoring.locate(article.text, sentence, None)
    assert library.pages_of(article.id, place.start, place.end) == PageRange(1, 2)
    assert library.pages_of(article.id, 0, 10) == PageRange(1, 1)
    end = len(article.text)
    assert library.pages_of(article.id, end - 10, end) == PageRange(2, 2)
    assert PageRange(1, 2).label == "pp. 1–2" and PageRange(4, 4).label == "p. 4"


@pytest.mark.parametrize("created", ["2019-05-01T10:00:00"])
def test_the_file_creation_date_is_not_the_publication_date(created: str) -> None:
    data = documents.pdf([Page(lines=[FILLER])], title="Audit", created=created)
    source = extract(data, "audit.pdf")
    assert (source.title, source.published) == ("Audit", "")


def test_a_thirty_page_report_reads_as_the_document(library: Library) -> None:
    pages = []
    for number in range(1, 31):
        pages.append(
            Page(
                lines=[
                    f"Finding {number}: the department could not show receipts for the",
                    f"payments in case {number}, which the auditors called irreg-",
                    "ular. " + FILLER[:60],
                    FILLER[60:],
                ],
                header="NORTHFIELD AUDIT OFFICE - REPORT 2024/7",
                footer="- {n} -",
            )
        )
    source = extract(documents.pdf(pages), "audit.pdf")
    assert len(source.pages) == 30 and not any(span.ocr for span in source.pages)
    assert "AUDIT OFFICE" not in source.text and "- 7 -" not in source.text
    article = library.import_source(source).value.article
    for number in (1, 17, 30):
        quote = f"payments in case {number}, which the auditors called irregular. Officials"
        place = anchoring.locate(article.text, quote, None)
        assert library.pages_of(article.id, place.start, place.end) == PageRange(number, number)


def test_a_numbered_heading_at_the_top_of_each_page_is_kept() -> None:
    pages = [
        Page(lines=[f"Finding {number}: payments under contract {1000 + number}", "", FILLER])
        for number in range(1, 4)
    ]
    text = _text(*pages)
    for number in range(1, 4):
        assert f"Finding {number}: payments under contract {1000 + number}" in text
