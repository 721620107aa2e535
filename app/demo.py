"""The demo library: the sample AP article with a dozen real annotations, seeded on first run."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from sourcemark.app.importers import extract
from sourcemark.app.layout import default_library_path
from sourcemark.app.library import Library, Progress
from sourcemark.app.models import Kind, Verdict
from sourcemark.app.opening import open_library

SAMPLE_NAME = "ice-subpoenas-nyc.txt"
SAMPLE_METADATA = {
    "title": "ICE issues immigration subpoenas to New York City",
    "outlet": "The Associated Press",
    "published": "2020-01-18",
}


@dataclass(frozen=True)
class DemoAnnotation:
    key: str
    kind: Kind
    quote: str
    speaker: str
    note: str = ""
    verdict: Verdict | None = None
    rebuts: str | None = None


DEMO_ANNOTATIONS = (
    DemoAnnotation("demand", Kind.QUOTE, "This is not a request — it’s a demand", "Henry Lucero"),
    DemoAnnotation(
        "released-daily",
        Kind.CLAIM,
        "Dangerous criminals are being released every single day in New York.",
        "Henry Lucero",
        "Ask ICE for the count of detainers the city declined, by month.",
        Verdict.UNVERIFIED,
    ),
    DemoAnnotation(
        "safest-quote",
        Kind.QUOTE,
        "New York City will not change the policies that have made us "
        "the safest big city in America",
        "Freddi Goldstein",
    ),
    DemoAnnotation(
        "safest",
        Kind.CLAIM,
        "the safest big city in America",
        "Freddi Goldstein",
        "Compare FBI crime rates for U.S. cities over one million people.",
        Verdict.UNVERIFIED,
    ),
    DemoAnnotation(
        "sole-reason",
        Kind.CLAIM,
        "It is this city’s sanctuary policies that are the sole reason this criminal was "
        "allowed to roam the streets freely and end an innocent woman’s life",
        "Matthew Albence",
        "“Sole reason” is not shown: the police say no detainer reached them.",
        Verdict.UNSUPPORTED,
    ),
    DemoAnnotation(
        "no-detainer",
        Kind.REBUTTAL,
        "New York City police say they didn’t receive a detainer request for Khan",
        "New York City police",
        "If no detainer was received, the policy alone cannot explain the release.",
        rebuts="sole-reason",
    ),
    DemoAnnotation(
        "detainer-sent",
        Kind.CLAIM,
        "ICE insists it was sent",
        "ICE",
        "Request the detainer and its transmission record.",
        Verdict.UNVERIFIED,
    ),
    DemoAnnotation(
        "shameful",
        Kind.QUOTE,
        "the Trump administration’s attempt to exploit this tragedy are absolutely shameful",
        "Freddi Goldstein",
    ),
    DemoAnnotation(
        "scare-tactics",
        Kind.REBUTTAL,
        "De Blasio has accused ICE of employing “scare tactics” and spreading lies.",
        "Bill de Blasio",
        rebuts="released-daily",
    ),
    DemoAnnotation(
        "record-lows",
        Kind.CLAIM,
        "common-sense laws about immigration enforcement that have driven crime to record lows",
        "Bill de Blasio",
        "Crime fell, but did these laws drive it? Causation is the claim to check.",
        Verdict.UNVERIFIED,
    ),
    DemoAnnotation(
        "civil-law",
        Kind.QUOTE,
        "The documents appear to be a request for information related to alleged violations "
        "of civil immigration law",
        "Chad Sublet",
    ),
    DemoAnnotation("contempt", Kind.QUOTE, "A judge can hold them in contempt", "Henry Lucero"),
    DemoAnnotation(
        "tactics",
        Kind.QUOTE,
        "Like any law enforcement agency, we are used to modifying our tactics as criminals "
        "shift their strategies",
        "Henry Lucero",
    ),
)


def seed_demo(library: Library) -> str:
    """Import the sample article with its annotations and links; returns the article id."""
    data = resources.files("sourcemark.resources").joinpath(SAMPLE_NAME).read_bytes()
    source = extract(data, SAMPLE_NAME).with_metadata(**SAMPLE_METADATA)
    article = library.import_source(source).value.article
    made: dict[str, str] = {}
    for demo in DEMO_ANNOTATIONS:
        annotation = library.annotate_quote(
            article.id,
            demo.kind,
            demo.quote,
            note=demo.note,
            speaker=demo.speaker,
            verdict=demo.verdict,
        )
        made[demo.key] = annotation.value.id
    for demo in DEMO_ANNOTATIONS:
        if demo.rebuts is not None:
            library.link(made[demo.key], made[demo.rebuts])
    return article.id


def open_default_library(progress: Progress | None = None) -> Library:
    """Open the default library; on its very first use it holds the demo sample."""
    library = open_library(default_library_path(), progress=progress)
    if library.is_new:
        seed_demo(library)
    return library
