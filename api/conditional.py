"""ETag / Last-Modified on every public read, answering 304 when the client's copy is current.

The ETag is a hash of the JSON body, so it changes exactly when what the client would receive changes;
views that know when their data last changed also set Last-Modified (``self.last_modified``).
"""

import hashlib

from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework.response import Response


def conditional(request, response, last_modified=None):
    """Set ETag, Last-Modified and Cache-Control on a rendered 200 answer; a 304 when the client's copy is
    current."""
    etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    stamp = last_modified.timestamp() if last_modified else None
    response["ETag"] = etag
    if stamp:
        response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return get_conditional_response(
        request._request if hasattr(request, "_request") else request,
        etag=etag,
        last_modified=int(stamp) if stamp else None,
        response=response,
    )


class ConditionalMixin:
    last_modified = None  # a datetime, set by the view while it builds its response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if isinstance(response, Response):
            response.render()
        elif not getattr(response, "api_conditional", False):
            return response  # a file or a stream: no ETag
        return conditional(request, response, self.last_modified)
