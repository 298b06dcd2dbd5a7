"""Reading API request bodies: JSON that cannot crash the decoder, and a body read up to a limit of its own."""

import io

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from api.errors import ApiError

CHUNK = 64 * 1024


class SafeJSONParser(JSONParser):
    """A body nested too deep for Python's decoder is a malformed request, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON nested too deep") from None


def size_label(limit: int) -> str:
    """16777216 → "16 MB（16,777,216 字节）": the limit as people read it, and exactly."""
    megabytes = limit / 2**20
    shown = f"{megabytes:.0f}" if megabytes == int(megabytes) else f"{megabytes:.1f}"
    return _("%(mb)s MB（%(bytes)s 字节）") % {"mb": shown, "bytes": f"{limit:,}"}


def too_large(limit: int) -> ApiError:
    return ApiError(
        "too_large",
        _("请求内容超过 %(limit)s 的上限，请分批报送。") % {"limit": size_label(limit)},
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        detail={"limit": limit},
    )


def read_body(request, limit: int) -> bytes:
    """The raw body of `request` (a DRF or Django request), read up to `limit` bytes, else a 413 ApiError.

    For a view that accepts more than Django's DATA_UPLOAD_MAX_MEMORY_SIZE without raising it for every view:
    `request.body` checks only that global limit, and only against the Content-Length header. Here the bytes
    are counted as they are read, so a Content-Length that lies, is missing or is not a number changes
    nothing: a declared length over the limit is refused before reading; an honest one is read through
    Django's stream, which never reads past it; without a valid one the body is read to its end only where
    the server marks the input as terminated (``wsgi.input_terminated``: gunicorn, chunked uploads), and is
    empty otherwise, as Django itself reads it.
    """
    http_request = getattr(request, "_request", request)
    try:
        declared = int(http_request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        declared = -1
    if declared > limit:
        raise too_large(limit)
    if declared >= 0:
        stream = http_request  # HttpRequest.read(): Django's LimitedStream, bounded by the declared length
    elif http_request.META.get("wsgi.input_terminated"):
        stream = http_request.META["wsgi.input"]
    else:
        stream = io.BytesIO()
    chunks, size = [], 0
    while True:
        chunk = stream.read(min(CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
    return b"".join(chunks)


def parse_json(request, raw: bytes):
    """`raw` parsed by the view's parser for the request's content type (415 for another type, 400 if malformed)."""
    parser = request.negotiator.select_parser(request, request.parsers)
    if parser is None:
        raise exceptions.UnsupportedMediaType(request.content_type)
    if not raw:
        raise ParseError("empty body")
    return parser.parse(io.BytesIO(raw), parser.media_type, {"request": request, "encoding": "utf-8"})
