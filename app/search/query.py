"""The query language: Whoosh's parser, checked so that bad input gives one clear `QueryError`.

Words are stemmed and AND-ed; "phrases", AND / OR / NOT, parentheses, `field:value`,
`published:2020-01` and `published:[2020-01-01 TO 2020-01-10]` (open ends: `[2020 TO]`) work.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from whoosh import query
from whoosh.qparser import MultifieldParser, plugins, syntax

from sourcemark.app.errors import QueryError
from sourcemark.app.search.schema import ENGLISH, QUERY_FIELDS, SCHEMA, default_fields

MAX_QUERY_CHARS = 1000
# Fields whose value is one item, never words (a story's name is one item too).
_WHOLE = ("kind", "verdict", "published", "lang", "story", "tag")
_FIELD_HELP = ", ".join(f"{name}:" for name in QUERY_FIELDS)


class _KnownFieldsPlugin(plugins.Plugin):  # type: ignore[misc]  # Whoosh is untyped
    """Refuse `name:` prefixes that are not query fields, instead of searching them as words."""

    def filters(self, parser: object) -> list[tuple[object, int]]:
        # After grouping (0), before field assignment (100) consumes the names;
        # then, once fields are assigned, before the default fields are expanded (110).
        return [(self._check, 98), (self._unquote_choices, 105)]

    def _check(self, parser: object, group: syntax.GroupNode) -> syntax.GroupNode:
        for at, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                self._check(parser, node)
            elif isinstance(node, syntax.FieldnameNode):
                name = node.fieldname.lower()
                if name not in QUERY_FIELDS:
                    raise QueryError(
                        f"unknown field {node.fieldname + ':'!r} (fields: {_FIELD_HELP}); "
                        'put text with a colon in "quotes"'
                    )
                node.fieldname = name
                _check_value(name, group[at + 1] if at + 1 < len(group) else None)
        return group

    def _unquote_choices(self, parser: object, group: syntax.GroupNode) -> syntax.GroupNode:
        """`verdict:"mostly true"` names one value: hand it to the field whole, like a word."""
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                self._unquote_choices(parser, node)
            elif isinstance(node, plugins.PhrasePlugin.PhraseNode) and node.fieldname in _WHOLE:
                word = syntax.WordNode(node.text)
                word.set_fieldname(node.fieldname)
                word.startchar, word.endchar = node.startchar, node.endchar
                group[i] = word
        return group


_EXAMPLES = {
    "kind": "claim",
    "speaker": "lucero",
    "verdict": "false",
    "outlet": '"associated press"',
    "author": "smith",
    "title": "subpoenas",
    "note": "fbi",
    "published": "2020-01",
}
_RANGE_EXAMPLE = "published:[2020-01-01 TO 2020-01-10]"


def _check_value(name: str, value: object) -> None:
    """The mistakes Whoosh would not report, or would report as something else: a field
    with no value (it searched the field's name as a word) and a range left open."""
    example = f"{name}:{_EXAMPLES.get(name, 'word')}"
    if value is None or isinstance(value, syntax.Whitespace):
        raise QueryError(
            f"'{name}:' has no value after it: write the value right after the colon, "
            f'as in {example} (put text with a colon in "quotes")'
        )
    if isinstance(value, plugins.PhrasePlugin.PhraseNode) and not value.text.strip():
        raise QueryError(f"'{name}:' is followed by empty quotes: put a value in them")
    if isinstance(value, syntax.WordNode) and value.text[:1] in "[{":
        raise QueryError(
            f"the range after '{name}:' has no closing ']' (or '}}'): write it as {_RANGE_EXAMPLE}"
        )
    if isinstance(value, syntax.WordNode) and value.text[:1] in "]}":
        raise QueryError(
            f"'{name}:' is followed by {value.text[0]!r}, which closes no range: "
            f"write a range as {_RANGE_EXAMPLE}"
        )
    if isinstance(value, syntax.RangeNode) and not value.start and not value.end:
        raise QueryError(
            f"the range after '{name}:' has neither a start nor an end: "
            f"write it as {_RANGE_EXAMPLE}, or leave out one end as in published:[2020 TO]"
        )


@functools.lru_cache(maxsize=32)
def _parser(analyses: frozenset[str]) -> MultifieldParser:
    """A parser whose free-text words search the source fields of these languages' analyses."""
    parser = MultifieldParser(default_fields(analyses), SCHEMA)
    # Field names are letters only, so "10:30" stays text rather than naming a field "10".
    # Unknown names are refused above; `story:` and `tag:` are kept for app/search/scopes.py.
    parser.replace_plugin(plugins.FieldsPlugin(expr=r"(?P<text>[A-Za-z_]+):", remove_unknown=False))
    parser.add_plugin(_KnownFieldsPlugin())
    return parser


def parse(text: str, analyses: frozenset[str] = frozenset({ENGLISH})) -> query.Query:
    """Parse a user's query, or raise `QueryError` saying what is wrong with it. Free-text
    words search the sources of every language analysis given (see schema.family)."""
    text = text.strip()
    if not text:
        raise QueryError("the search query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the search query is longer than {MAX_QUERY_CHARS} characters")
    _check_balanced(text)
    parsed = _parser(analyses).parse(text, normalize=False)
    for part in _walk(parsed):
        error = getattr(part, "error", None)
        if isinstance(error, QueryError):
            raise error
        if error is not None:
            raise QueryError(f"cannot understand the query: {error}")
    parsed = parsed.normalize()
    if parsed is query.NullQuery:
        raise QueryError(f"the query {text!r} has no words to search for")
    return parsed


def _check_balanced(text: str) -> None:
    """Quotes and parentheses must pair up (Whoosh would silently guess otherwise)."""
    depth, quoted = 0, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise QueryError("the query has a ')' without a matching '('")
    if quoted:
        raise QueryError('the query has a "phrase" without its closing quote')
    if depth:
        raise QueryError("the query has a '(' without a matching ')'")


def _walk(node: query.Query) -> Iterator[query.Query]:
    yield node
    for child in node.children():
        yield from _walk(child)
