"""Fetching a web page or PDF as a source, with every behaviour bounded.

httpx does the HTTP; this module bounds it: connect and read time-outs plus a deadline for the
whole fetch (a server that drips bytes forever), a size cap on the body as sent and as decoded
(a gzip bomb), at most `max_redirects` redirects, http and https only, a user agent naming
Sourcemark, proxies from the environment. Every failure is one `FetchFailed` line naming the
URL. Redirects are followed by hand so that each hop's exact bytes go into the WARC record.
"""

from __future__ import annotations

import hashlib
import ssl
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath

import httpx

from sourcemark import __version__
from sourcemark.app.capture.record import PageCapture
from sourcemark.app.capture.warc import Exchange, warc_file
from sourcemark.app.errors import FetchFailed
from sourcemark.app.importers import DEFAULT_MAX_BYTES

USER_AGENT = f"Sourcemark/{__version__} (annotation desk for journalists; httpx)"
_ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.1"
# Only encodings this module decodes itself, with a cap on the decoded size.
_ACCEPT_ENCODING = "gzip, deflate"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PDF_TYPES = ("application/pdf", "application/x-pdf")
_SNIFF_BYTES = 1024
# A redirect's body is a line of HTML at most; no more is read of it.
_REDIRECT_BODY_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchLimits:
    connect_seconds: float = 10.0
    read_seconds: float = 20.0
    """Longest wait for the next bytes."""
    total_seconds: float = 120.0
    """Longest a whole fetch may take, redirects and body included."""
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 10


DEFAULT_FETCH_LIMITS = FetchLimits()


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A page as fetched: its decoded body, what kind of document it is, and the capture."""

    body: bytes
    kind: str
    """'html' or 'pdf'."""
    capture: PageCapture

    @property
    def filename(self) -> str:
        """The last part of the address as a file name whose suffix picks the importer (and
        whose stem titles a PDF without a title)."""
        suffix = ".pdf" if self.kind == "pdf" else ".html"
        name = PurePosixPath(httpx.URL(self.capture.final_url).path).name
        stem = PurePosixPath(name).stem if "." in name else name
        return f"{stem[:100] or 'page'}{suffix}"


@dataclass(slots=True)
class _Fetch:
    url: str
    limits: FetchLimits
    began: float = field(default_factory=time.monotonic)
    exchanges: list[Exchange] = field(default_factory=list)


def is_web_address(text: str) -> bool:
    """Whether an argument names a web page rather than a file."""
    return text.strip().lower().startswith(("http://", "https://"))


def fetch(
    url: str, *, limits: FetchLimits = DEFAULT_FETCH_LIMITS, accept_gone: bool = False
) -> FetchedPage | PageCapture:
    """Fetch `url` as an HTML page or a PDF, following redirects; a `FetchFailed` says why
    not in one line (without the URL, which the caller names).

    With `accept_gone`, a 404 or 410 answer is returned as its capture (the proof that the page
    is gone) instead of raising."""
    url = url.strip()
    state = _Fetch(url, limits)
    request_url = _checked_url(url)
    timeout = httpx.Timeout(
        limits.read_seconds, connect=min(limits.connect_seconds, limits.total_seconds)
    )
    headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT, "Accept-Encoding": _ACCEPT_ENCODING}
    try:
        with httpx.Client(headers=headers, timeout=timeout, trust_env=True) as client:
            return _follow(client, request_url, state, accept_gone)
    except httpx.HTTPError as error:
        raise FetchFailed(_network_problem(error, limits)) from None


def _follow(
    client: httpx.Client, url: httpx.URL, state: _Fetch, accept_gone: bool
) -> FetchedPage | PageCapture:
    request = client.build_request("GET", url)
    for _hop in range(state.limits.max_redirects + 1):
        response = client.send(request, stream=True)
        try:
            if response.is_redirect and response.next_request is not None:
                raw = _read_raw(response, state, _REDIRECT_BODY_BYTES, cap_is_error=False)
                state.exchanges.append(_exchange(response, raw))
                request = response.next_request
                _checked_url(str(request.url), redirected=True)
                continue
            raw = _read_raw(response, state, state.limits.max_bytes, cap_is_error=True)
            state.exchanges.append(_exchange(response, raw))
            return _result(response, raw, state, accept_gone)
        finally:
            response.close()
    raise FetchFailed(f"too many redirects (more than {state.limits.max_redirects})")


def _result(
    response: httpx.Response, raw: bytes, state: _Fetch, accept_gone: bool
) -> FetchedPage | PageCapture:
    capture = _capture(response, raw, state)
    status = response.status_code
    if status in (404, 410) and accept_gone:
        return capture
    if status >= 400:
        raise FetchFailed(f"HTTP {status} {response.reason_phrase}".rstrip(), status=status)
    if status != 200:
        raise FetchFailed(
            f"HTTP {status} {response.reason_phrase}: no page to import", status=status
        )
    body = _decoded(raw, response.headers.get("content-encoding", ""), state.limits.max_bytes)
    return FetchedPage(body, _kind(capture.content_type, body), capture)


def _checked_url(url: str, *, redirected: bool = False) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        raise FetchFailed("not a valid web address") from None
    if parsed.scheme not in ("http", "https"):
        where = "redirected to" if redirected else "is"
        raise FetchFailed(f"{where} a {parsed.scheme or 'non-web'} address: only http and https")
    if not parsed.host:
        raise FetchFailed("the address names no server")
    return parsed


def _read_raw(response: httpx.Response, state: _Fetch, cap: int, *, cap_is_error: bool) -> bytes:
    """The body as sent (content-encoded, de-chunked), within the size cap and the deadline."""
    declared = response.headers.get("content-length", "")
    if cap_is_error and declared.isdigit() and int(declared) > cap:
        raise FetchFailed(_too_large(cap))
    chunks, size = [], 0
    for chunk in response.iter_raw():
        size += len(chunk)
        if size > cap:
            if cap_is_error:
                raise FetchFailed(_too_large(cap))
            break
        chunks.append(chunk)
        _check_deadline(state)
    return b"".join(chunks)


def _check_deadline(state: _Fetch) -> None:
    if time.monotonic() - state.began > state.limits.total_seconds:
        raise FetchFailed(f"timed out: no complete answer within {state.limits.total_seconds:g} s")


def _too_large(cap: int) -> str:
    return f"too large: the page is over the {cap:,}-byte size limit"


def _decoded(raw: bytes, encoding: str, cap: int) -> bytes:
    """The body with its content encoding undone, refusing to inflate past `cap`."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        # Servers send "deflate" both zlib-wrapped (as the standard says) and raw.
        decoder = zlib.decompressobj(zlib.MAX_WBITS if raw[:1] == b"\x78" else -zlib.MAX_WBITS)
    else:
        raise FetchFailed(f"the server used a content encoding Sourcemark cannot read ({encoding})")
    try:
        body = decoder.decompress(raw, cap + 1)
    except zlib.error:
        raise FetchFailed(f"the {encoding} body is damaged") from None
    if len(body) > cap:
        raise FetchFailed(_too_large(cap))
    return body


def _kind(content_type: str, body: bytes) -> str:
    """'html' or 'pdf' from the declared type; an undeclared type is sniffed."""
    declared = content_type.split(";", 1)[0].strip().lower()
    if declared in _HTML_TYPES:
        return "html"
    if declared in _PDF_TYPES:
        return "pdf"
    head = body[:_SNIFF_BYTES].lstrip().lower()
    if declared in ("", "application/octet-stream"):
        if b"%pdf-" in head:
            return "pdf"
        if head.startswith((b"<!doctype html", b"<html")):
            return "html"
    raise FetchFailed(f"not an HTML page or a PDF (the server says {declared or 'nothing'})")


def _exchange(response: httpx.Response, raw: bytes) -> Exchange:
    request = response.request
    target = request.url.raw_path.decode("ascii", errors="replace")
    return Exchange(
        url=str(request.url),
        request_line=f"{request.method} {target} HTTP/1.1",
        request_headers=_text_pairs(request.headers.raw),
        status_line=f"{response.http_version} {response.status_code} {response.reason_phrase}",
        response_headers=_text_pairs(response.headers.raw),
        payload=raw,
        fetched_at=_utc_now(),
    )


def _capture(response: httpx.Response, raw: bytes, state: _Fetch) -> PageCapture:
    first = state.exchanges[0]
    return PageCapture(
        requested_url=state.url,
        final_url=str(response.url),
        fetched_at=first.fetched_at,
        status=response.status_code,
        headers=_text_pairs(response.headers.raw),
        content_type=response.headers.get("content-type", ""),
        payload_sha256=hashlib.sha256(raw).hexdigest(),
        warc=warc_file(state.exchanges),
    )


def _text_pairs(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in raw)


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _network_problem(error: httpx.HTTPError, limits: FetchLimits) -> str:
    """One line for what went wrong on the way to the server."""
    if isinstance(error, httpx.ConnectTimeout):
        return f"timed out: the server did not answer within {limits.connect_seconds:g} s"
    if isinstance(error, httpx.TimeoutException):
        return f"timed out: the server sent nothing for {limits.read_seconds:g} s"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "only http and https addresses can be fetched"
    if isinstance(error, httpx.ProxyError):
        return f"the proxy refused the request ({error})"
    cause = _root_cause(error)
    text = str(cause).lower()
    if isinstance(cause, ssl.SSLError) or "ssl" in text or "certificate" in text:
        return f"TLS error: the secure connection failed ({_brief(cause)})"
    if isinstance(cause, ConnectionRefusedError) or "refused" in text:
        return "connection refused: nothing is listening at that address"
    if (
        "name or service not known" in text
        or "nodename nor servname" in text
        or ("name resolution" in text or "getaddrinfo" in text or "no address" in text)
    ):
        return "DNS failure: the server's name cannot be found"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the server broke the connection ({_brief(cause)})"
    return f"network error ({_brief(cause)})"


def _root_cause(error: BaseException) -> BaseException:
    seen = error
    for _ in range(10):
        deeper = seen.__cause__ or seen.__context__
        if deeper is None:
            break
        seen = deeper
    return seen


def _brief(error: BaseException) -> str:
    return " ".join(str(error).split())[:160] or type(error).__name__
